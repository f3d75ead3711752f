package dev.berth.service;

import dev.berth.base.SessionId;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.Probes;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.time.Duration;
import java.util.Optional;

/** The health checker's use case: one probe of a running session, where its app listens now. */
final class HealthProbing {
  private final SessionSteps steps;
  private final Probes probes;

  HealthProbing(SessionSteps steps, Probes probes) {
    this.steps = steps;
    this.probes = probes;
  }

  /**
   * One attempt of a RUNNING session's probe with its health-check timeout, beside file and exec
   * calls (never during a lifecycle change). Empty when it could not be tried now (busy for longer
   * than the probe's timeout, not running, no probe); else the probe's error, or an empty string
   * for a pass.
   */
  Optional<String> probe(SessionId id) {
    // Waits for the session rather than giving up at once: reconcile passes hold it briefly on
    // the same beat as the health checks, and a probe that only tried would be skipped at every
    // tick for as long as the two stay in step (seen: 20 s and more without a single probe).
    Duration wait =
        steps
            .find(id)
            .map(s -> steps.templateOrBuiltin(s).app().health().timeout())
            .orElse(Duration.ZERO);
    return steps
        .locks()
        .tryShared(
            id,
            wait,
            () ->
                steps
                    .find(id)
                    .filter(x -> x.status() == SessionStatus.RUNNING)
                    .flatMap(this::probeRunning))
        .flatMap(x -> x);
  }

  private Optional<String> probeRunning(Session s) {
    Template t = steps.templateOrBuiltin(s);
    if (!probed(t)) {
      return Optional.empty();
    }
    // Where the app listens now (the registry keeps only the user-facing endpoints); a session
    // that does not run is not probed: the reconciler sees its state itself.
    SessionRuntime runtime = steps.runtimeOf(s);
    RuntimeSession rs = steps.runtimeSession(s, t);
    if (!(runtime.inspect(rs) instanceof ObservedState.Running running)) {
      return Optional.empty();
    }
    Duration timeout = t.app().health().timeout();
    if (t.app().probe().isPresent()) {
      var attempt =
          probes.attempt(
              runtime, rs, t.app().probe().orElseThrow(), running.probeAddresses(), timeout);
      if (attempt.isPresent()) {
        return attempt;
      }
    }
    return Optional.of(extraContainers(runtime, rs, t, timeout).orElse(""));
  }

  /** Whether the session has anything to probe: its app, or an extra container with a probe. */
  private static boolean probed(Template t) {
    return t.app().probe().isPresent()
        || t.containers().auto().stream().anyMatch(c -> c.probe().isPresent());
  }

  /**
   * The probes of the {@code auto} extra containers that run now, each where it listens, with the
   * session's health timeout: the first failure, naming the container. One that ended is not probed
   * (the reconciler restarts it on its own), nor one stopped on purpose.
   */
  private Optional<String> extraContainers(
      SessionRuntime runtime, RuntimeSession rs, Template t, Duration timeout) {
    if (t.containers().auto().stream().noneMatch(c -> c.probe().isPresent())) {
      return Optional.empty();
    }
    for (var status : runtime.containers(rs)) {
      var declared = t.containers().get(status.type());
      if (declared.isEmpty() || declared.get().probe().isEmpty() || !status.running()) {
        continue;
      }
      var attempt =
          probes.attempt(
              runtime,
              rs,
              status.type(),
              declared.get().probe().get(),
              status.probeAddresses(),
              timeout);
      if (attempt.isPresent()) {
        return Optional.of("container '" + status.type() + "': " + attempt.get());
      }
    }
    return Optional.empty();
  }
}
