package dev.berth.runtime;

import java.net.URI;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a runtime sees of a session right now. Sealed so that every caller handles every case; never
 * null, never a magic string.
 */
public sealed interface ObservedState {

  /** Resources are being created or the app is starting. */
  record Pending(String detail) implements ObservedState {}

  /** The session runs; {@code endpoints} maps declared app ports to where they answer. */
  record Running(Map<Integer, URI> endpoints) implements ObservedState {
    public Running {
      endpoints = Map.copyOf(endpoints);
    }
  }

  /** The workspace exists and nothing runs: warmed, or stopped on purpose. */
  record Prepared() implements ObservedState {}

  /** The session was started and its process has ended on its own (crash, exit, kill). */
  record Exited(OptionalInt exitCode, String detail) implements ObservedState {}

  /** The session's workspace (its volume or directory) is gone. */
  record Missing(String detail) implements ObservedState {}

  /** The runtime could not find out (engine unreachable...); callers must not act on it. */
  record Unknown(String error) implements ObservedState {}
}
