package dev.berth.service;

import dev.berth.base.SessionId;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.Probes;
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
    if (t.app().probe().isEmpty()) {
      return Optional.empty();
    }
    // Where the app listens now (the registry keeps only the user-facing endpoints); a session
    // that does not run is not probed: the reconciler sees its state itself.
    SessionRuntime runtime = steps.runtimeOf(s);
    RuntimeSession rs = steps.runtimeSession(s, t);
    if (!(runtime.inspect(rs) instanceof ObservedState.Running running)) {
      return Optional.empty();
    }
    var attempt =
        probes.attempt(
            runtime,
            rs,
            rs.template().app().probe().orElseThrow(),
            running.probeAddresses(),
            t.app().health().timeout());
    return Optional.of(attempt.orElse(""));
  }
}
