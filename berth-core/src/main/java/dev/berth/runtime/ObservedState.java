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

  /**
   * The session was started and its app has ended without Berth stopping it (crash, exit, kill).
   *
   * @param exitCode the app's exit code, when the runtime knows it
   * @param detail what the runtime saw, for the session's status reason
   * @param onItsOwn true only when the runtime knows that nothing outside the app ended it: no
   *     signal was sent to it (by the engine's own shutdown, a host reboot, an operator's {@code
   *     docker stop}) and the runtime watched it the whole time. Exit code 0 means "quit on
   *     purpose" only then: a well-behaved server also exits 0 on the SIGTERM of an engine restart,
   *     and that session must be recovered, not recorded as quit. When the runtime cannot tell,
   *     false.
   */
  record Exited(OptionalInt exitCode, String detail, boolean onItsOwn) implements ObservedState {
    /** An end that the runtime cannot attribute to the app itself ({@code onItsOwn} false). */
    public Exited(OptionalInt exitCode, String detail) {
      this(exitCode, detail, false);
    }

    /** Whether the app quit on purpose: it ended on its own with exit code 0. */
    public boolean quit() {
      return onItsOwn && exitCode.isPresent() && exitCode.getAsInt() == 0;
    }
  }

  /** The session's workspace (its volume or directory) is gone. */
  record Missing(String detail) implements ObservedState {}

  /** The runtime could not find out (engine unreachable...); callers must not act on it. */
  record Unknown(String error) implements ObservedState {}
}
