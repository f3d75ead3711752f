package dev.berth.service;

import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.template.HealthProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits until a started session is ready: its process runs and its template's probe answers. A
 * session is RUNNING only after this says so.
 */
final class Readiness {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  private final Probes probes;

  Readiness(Probes probes) {
    this.probes = probes;
  }

  /** Empty when ready; otherwise why not (the probe's last error or how the app ended). */
  Optional<String> await(SessionRuntime runtime, RuntimeSession session) {
    Optional<HealthProbe> probe = session.template().probe();
    Duration timeout = probe.map(HealthProbe::startTimeout).orElse(Duration.ofSeconds(60));
    Instant deadline = Instant.now().plus(timeout);
    String lastError = "no answer yet";
    while (true) {
      ObservedState observed = runtime.inspect(session);
      switch (observed) {
        case ObservedState.Exited e -> {
          return Optional.of(
              "the app exited"
                  + (e.exitCode().isPresent() ? " with code " + e.exitCode().getAsInt() : "")
                  + " before it was ready: "
                  + e.detail());
        }
        case ObservedState.Missing m -> {
          return Optional.of("the session's workspace disappeared: " + m.detail());
        }
        case ObservedState.Running r -> {
          if (probe.isEmpty()) {
            return Optional.empty();
          }
          Optional<String> error =
              probes.attempt(runtime, session, probe.get(), r.endpoints(), ATTEMPT_TIMEOUT);
          if (error.isEmpty()) {
            return Optional.empty();
          }
          lastError = error.get();
        }
        case ObservedState.Pending p -> lastError = "still starting: " + p.detail();
        case ObservedState.Prepared p -> lastError = "the app is not running";
        case ObservedState.Unknown u -> lastError = "cannot inspect: " + u.error();
      }
      if (Instant.now().isAfter(deadline)) {
        return Optional.of("not ready after " + timeout.toSeconds() + "s: " + lastError);
      }
      if (!sleep()) {
        return Optional.of("interrupted while waiting for readiness (Berth is stopping)");
      }
    }
  }

  /** False when interrupted: then waiting on would only spin. */
  private static boolean sleep() {
    try {
      Thread.sleep(POLL);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
