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

  /**
   * The session runs. Two maps, both keyed by the template's declared app ports, because where a
   * user reaches an app and where it really listens are not always the same socket:
   *
   * @param endpoints where users (the proxy, the API's {@code endpoints}) reach each port, e.g.
   *     Docker's port published on 127.0.0.1; this is what the registry records
   * @param probeAddresses where the app itself listens, as seen from the manager: readiness and
   *     health probes connect here, so that a connect succeeds only once the app accepts. It must
   *     not be a listener that accepts on the app's behalf before the app does (Docker's {@code
   *     docker-proxy} behind a published port does exactly that): Docker gives the container's
   *     address on the session's network; a runtime whose endpoint is the app's own socket (local
   *     processes) gives the same map twice. A port missing here cannot be probed (the probe fails
   *     and says so).
   */
  record Running(Map<Integer, URI> endpoints, Map<Integer, URI> probeAddresses)
      implements ObservedState {
    public Running {
      endpoints = Map.copyOf(endpoints);
      probeAddresses = Map.copyOf(probeAddresses);
    }

    /** Running where each endpoint is the app's own socket, so probes go there too. */
    public static Running direct(Map<Integer, URI> endpoints) {
      return new Running(endpoints, endpoints);
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
