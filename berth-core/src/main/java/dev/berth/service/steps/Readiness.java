package dev.berth.service.steps;

import dev.berth.base.Pause;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.Probes;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.template.HealthProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits until a started session is ready: its process runs and its template's probe answers where
 * the app listens ({@link ObservedState.Running#probeAddresses}), not where a port proxy might
 * answer for it. A session is RUNNING only after this says so.
 */
public final class Readiness {
  /**
   * The first wait between attempts, doubled after each up to {@link #POLL}: an app that answers a
   * few milliseconds after its first refusal is seen then, not a whole 50 ms later; a slow one is
   * asked every 50 ms as before.
   */
  private static final Duration FIRST_POLL = Duration.ofMillis(3);

  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  private static final int OUTPUT_LINES = 5;
  private static final int OUTPUT_CHARS = 600;
  private final Probes probes;
  private final Clock clock;
  private final Pause pause;

  /**
   * @param clock the deadline's clock
   * @param pause how to wait between attempts (a manual clock's, in logic tests)
   */
  public Readiness(Probes probes, Clock clock, Pause pause) {
    this.probes = probes;
    this.clock = clock;
    this.pause = pause;
  }

  /** Now on the deadline's clock: where a start's deadline is counted from. */
  public Instant now() {
    return clock.instant();
  }

  /** Empty when ready; otherwise why not (the probe's last error or how the app ended). */
  public Optional<String> await(SessionRuntime runtime, RuntimeSession session) {
    return await(runtime, session, clock.instant());
  }

  /**
   * As above, within the template's start timeout counted from {@code begun}: the start began then,
   * and a runtime may have spent part of it already (Docker waits for the containers others wait
   * for with {@code after: {type: ready}} or {@code done}), so the whole start keeps one deadline.
   */
  public Optional<String> await(SessionRuntime runtime, RuntimeSession session, Instant begun) {
    Optional<HealthProbe> probe = session.template().app().probe();
    Duration timeout = session.template().app().startTimeout();
    Instant deadline = begun.plus(timeout);
    String lastError = "no answer yet";
    Duration wait = FIRST_POLL;
    while (true) {
      ObservedState observed = runtime.inspect(session);
      switch (observed) {
        case ObservedState.Exited e -> {
          return Optional.of(
              "the app exited"
                  + (e.exitCode().isPresent() ? " with code " + e.exitCode().getAsInt() : "")
                  + " before it was ready: "
                  + e.detail()
                  + lastOutput(runtime, session));
        }
        case ObservedState.Missing m -> {
          return Optional.of("the session's workspace disappeared: " + m.detail());
        }
        case ObservedState.Running r -> {
          Optional<String> error =
              probe.isEmpty()
                  ? Optional.empty()
                  : probes.attempt(
                      runtime, session, probe.get(), r.probeAddresses(), ATTEMPT_TIMEOUT);
          if (error.isEmpty()) {
            ContainersReadiness.Verdict others =
                ContainersReadiness.check(probes, runtime, session);
            if (others.ready()) {
              return Optional.empty();
            }
            if (others.failed()) {
              return Optional.of(others.why());
            }
            error = Optional.of(others.why());
          }
          lastError = error.get();
        }
        case ObservedState.Pending p -> lastError = "still starting: " + p.detail();
        case ObservedState.Prepared p -> lastError = "the app is not running";
        case ObservedState.Unknown u -> lastError = "cannot inspect: " + u.error();
      }
      if (clock.instant().isAfter(deadline)) {
        return Optional.of("not ready after " + timeout.toSeconds() + "s: " + lastError);
      }
      if (!sleep(wait)) {
        return Optional.of("interrupted while waiting for readiness (Berth is stopping)");
      }
      wait = wait.multipliedBy(2).compareTo(POLL) < 0 ? wait.multipliedBy(2) : POLL;
    }
  }

  /**
   * The app's last lines, for the reason a user reads first: an app that exits at once (a missing
   * command, a bad flag) says why only in its output. Empty when it printed nothing or the runtime
   * cannot tell.
   */
  private static String lastOutput(SessionRuntime runtime, RuntimeSession session) {
    try {
      String tail = runtime.logTail(session, OUTPUT_LINES).strip();
      if (tail.isEmpty()) {
        return "";
      }
      if (tail.length() > OUTPUT_CHARS) {
        tail = "..." + tail.substring(tail.length() - OUTPUT_CHARS);
      }
      return "; its last output: " + tail.replaceAll("\\s*\\R\\s*", " | ");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** False when interrupted: then waiting on would only spin. */
  private boolean sleep(Duration wait) {
    try {
      pause.sleep(wait);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
