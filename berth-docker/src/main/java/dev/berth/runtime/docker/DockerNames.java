package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.runtime.RuntimeState;
import java.util.regex.Pattern;

/**
 * The Docker names of one session's resources, as DESIGN.md fixes them:
 *
 * <ul>
 *   <li>container {@code <prefix>-session-<template>-<handle>}; on the shared network {@code
 *       <prefix>-session-<16 hex>}, a name that says nothing to the neighbours that see it through
 *       Docker's DNS (see {@link DnsNames})
 *   <li>volume {@code <prefix>-<template>-<handle>}
 *   <li>network {@code <prefix>-net-<template>-<handle>}: one bridge network per session, so that
 *       sessions cannot reach each other (Docker isolates bridge networks from one another); or,
 *       with {@link SessionNetworks#SHARED_NO_ICC}, the one shared {@code <prefix>-net}
 * </ul>
 *
 * <p>{@code <handle>} is the session's {@link dev.berth.runtime.RuntimeSession#handle()}: its id
 * for a normal session. Names are generated once, at prepare, and persisted in the {@link
 * RuntimeState}; later calls read them back from there, so a new prefix in the configuration never
 * orphans a live session.
 */
record DockerNames(String container, String volume, String network) {
  static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,11}");

  static final String KEY_CONTAINER = "container";
  static final String KEY_VOLUME = "volume";
  static final String KEY_NETWORK = "network";

  static void checkPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw BerthException.badRequest(
          "invalid Docker name prefix '" + prefix + "': must match " + PREFIX.pattern());
    }
  }

  /** The names this runtime would give the session today, with a network of its own. */
  static DockerNames generate(String prefix, String template, String handle) {
    return generate(prefix, template, handle, SessionNetworks.PER_SESSION, null);
  }

  static DockerNames generate(
      String prefix, String template, String handle, SessionNetworks networks, DnsNames dns) {
    String suffix = template + "-" + handle;
    if (networks == SessionNetworks.SHARED_NO_ICC) {
      return new DockerNames(
          dns.container(prefix, template, handle), prefix + "-" + suffix, sharedNetwork(prefix));
    }
    return new DockerNames(
        prefix + "-session-" + suffix, prefix + "-" + suffix, prefix + "-net-" + suffix);
  }

  static String sharedNetwork(String prefix) {
    return prefix + "-net";
  }

  /** The persisted names where there are any, else the generated ones. */
  static DockerNames of(
      RuntimeState state,
      String prefix,
      String template,
      String handle,
      SessionNetworks networks,
      DnsNames dns) {
    DockerNames fresh = generate(prefix, template, handle, networks, dns);
    return new DockerNames(
        state.getOrDefault(KEY_CONTAINER, fresh.container),
        state.getOrDefault(KEY_VOLUME, fresh.volume),
        state.getOrDefault(KEY_NETWORK, fresh.network));
  }

  /**
   * Whether the session's container is on a network shared with other sessions, where the others
   * see its name and hostname through Docker's DNS.
   */
  boolean sharesDns(String prefix) {
    // The egress policies' shared networks (EgressNetworks) are shared among sessions too.
    String shared = sharedNetwork(prefix);
    return network.equals(shared)
        || network.equals(shared + "-closed")
        || network.equals(shared + "-proxied");
  }

  RuntimeState into(RuntimeState state) {
    return state.with(KEY_CONTAINER, container).with(KEY_VOLUME, volume).with(KEY_NETWORK, network);
  }
}
