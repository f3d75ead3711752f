package dev.berth.runtime.docker;

/**
 * How sessions are kept from reaching each other's ports. Chosen when the runtime is built; the
 * network a session was prepared on is recorded in its state, so switching applies to new sessions
 * only and never strands an old one.
 */
public enum SessionNetworks {
  /**
   * A bridge network per session, {@code <prefix>-net-<template>-<session>}, removed with it.
   * Docker isolates bridge networks from one another. Costs a network create (~50-100 ms) at
   * prepare and a remove (~130-200 ms) at destroy, and Docker's default address pools hold only
   * about 30 bridge networks (see the README for {@code default-address-pools}).
   */
  PER_SESSION,

  /**
   * One bridge network for all sessions, {@code <prefix>-net}, with inter-container traffic
   * disabled ({@code com.docker.network.bridge.enable_icc=false}: the engine drops traffic between
   * containers on the bridge). No per-session network cost and no subnet limit; the network is
   * created once and never removed by a session's destroy.
   */
  SHARED_NO_ICC
}
