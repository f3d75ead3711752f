package dev.berth.service.steps;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.Ability;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StartResult;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepare, start and stop one session whose lifecycle lock the caller holds: the same steps for a
 * user's create, start and stop, the reconciler's restart and a migration's roll-back. Each records
 * every status it passes through, and a failure leaves the session FAILED with the reason.
 */
public final class LifecycleSteps {
  private static final Logger log = LoggerFactory.getLogger(LifecycleSteps.class);
  private final SessionSteps steps;
  private final Readiness readiness;

  /**
   * The last failure to stop each FAILED session's leftovers, by session id: the reconciler tries
   * again at every pass, and an engine that keeps refusing must not write the same event (and stack
   * trace) each time. Forgotten once a stop succeeds or nothing runs any more.
   */
  private final Map<SessionId, StopFailure> stopFailures = new ConcurrentHashMap<>();

  /**
   * A stop of {@code created}'s session (one incarnation of its id) failed with {@code message}.
   */
  private record StopFailure(Instant created, String message) {}

  public LifecycleSteps(SessionSteps steps, Readiness readiness) {
    this.steps = steps;
    this.readiness = readiness;
  }

  /** Waits until a started session's app answers (its probe passes) or gives the reason. */
  public Readiness readiness() {
    return readiness;
  }

  /** Prepares (idempotently) and then starts or warms the session, as its desired state says. */
  public Session prepareThenStartOrWarm(
      Session created, Template template, SessionRuntime runtime) {
    Session session = steps.runStep(created, "prepare", () -> prepare(created, template, runtime));
    if (session.status() == SessionStatus.FAILED) {
      return session;
    }
    return session.lifecycle().desired() == DesiredState.RUNNING
        ? start(session, template, runtime)
        : steps.save(session.withStatus(SessionStatus.STOPPED, "warmed", steps.now()));
  }

  private Session prepare(Session created, Template template, SessionRuntime runtime) {
    Session current = steps.require(created.id());
    RuntimeState state = runtime.prepare(steps.runtimeSession(current, template));
    Session prepared = steps.save(current.withRuntimeState(state, steps.now()));
    RuntimeSession rs = steps.runtimeSession(prepared, template);
    recordImage(runtime, rs);
    steps.recordDefinition(rs);
    return prepared;
  }

  /** Notes which image the session runs, where the backend records one (no engine call). */
  private void recordImage(SessionRuntime runtime, RuntimeSession rs) {
    steps
        .registry()
        .sessions()
        .setImageId(
            rs.id(),
            runtime.abilities().contains(Ability.IMAGE_BUILDS)
                ? runtime.images().imageId(rs).orElse("")
                : "");
  }

  /**
   * STARTING, then the runtime's start and the readiness wait, then RUNNING, or FAILED with what
   * the start launched stopped again ({@link #stopAfterFailure}) and the workspace kept.
   */
  public Session start(Session s, Template template, SessionRuntime runtime) {
    Session starting = steps.save(s.withStatus(SessionStatus.STARTING, "", steps.now()));
    Session started =
        steps.runStep(
            starting,
            "start",
            () -> {
              Instant begun = readiness.now();
              StartResult result = runtime.start(steps.runtimeSession(starting, template));
              Session withState =
                  steps.save(starting.withRuntimeState(result.state(), steps.now()));
              RuntimeSession rs = steps.runtimeSession(withState, template);
              // a start may have recreated a lost container, from a newer image
              steps.registry().sessions().setImageId(s.id(), result.imageId().orElse(""));
              // a start applies the template as it is now (Docker recreates an outdated container)
              steps.recordDefinition(rs);
              Optional<String> notReady = readiness.await(runtime, rs, begun);
              if (notReady.isPresent()) {
                throw new BerthException(ErrorCode.RUNTIME_FAILURE, notReady.get());
              }
              return withState.withEndpoints(urls(result.endpoints()), steps.now());
            });
    if (started.status() == SessionStatus.FAILED) {
      // A start that failed stops what it launched: FAILED must not leave the app running.
      return stopAfterFailure(started, template, runtime);
    }
    return steps.save(started.withStatus(SessionStatus.RUNNING, "", steps.now()));
  }

  /**
   * After a session went FAILED (its start, or the reconciler's verdict): records the app's last
   * lines of output, then stops whatever of it still runs (its container, process or pod) and keeps
   * its workspace for inspection, so that FAILED means nothing of the session runs. It stops only
   * when the runtime shows something running or starting, or cannot tell (a start may just have
   * launched it); an app that exited is left as it ended (its container and log stay). The
   * runtime's new state is saved, and the events say what was done. A stop that fails is reported
   * in the events (once while it fails in the same words) and left to the reconciler, which stops a
   * FAILED session it sees running.
   */
  public Session stopAfterFailure(Session failed, Template template, SessionRuntime runtime) {
    RuntimeSession rs = steps.runtimeSession(failed, template);
    ObservedState seen;
    try {
      seen = runtime.inspect(rs);
    } catch (RuntimeException e) {
      seen = new ObservedState.Unknown(SessionSteps.message(e));
    }
    StopFailure before = stopFailures.get(failed.id());
    boolean retry = before != null && before.created().equals(failed.createdAt());
    if (!retry
        && !(seen instanceof ObservedState.Missing || seen instanceof ObservedState.Unknown)) {
      recordLogTail(failed, rs, runtime); // a retry's was recorded at the first try
    }
    // FAILED means nothing of it runs: an exec beside an app that died (a local process lives on
    // without it) is ended too.
    steps.endExecs(failed.id(), "session '" + failed.id() + "' failed: " + failed.statusReason());
    boolean mayRun =
        switch (seen) {
          case ObservedState.Running r -> true;
          case ObservedState.Pending p -> true;
          case ObservedState.Unknown u -> true;
          case ObservedState.Exited e -> false;
          case ObservedState.Prepared p -> false;
          case ObservedState.Missing m -> false;
        };
    if (!mayRun) {
      stopFailures.remove(failed.id());
      return failed;
    }
    try {
      RuntimeState state = runtime.stop(rs, steps.stopGrace());
      Session stopped =
          steps.save(
              failed.withRuntimeState(state, steps.now()).withEndpoints(Map.of(), steps.now()));
      stopFailures.remove(failed.id());
      steps.event(failed.id(), "stop", "stopped what it started; workspace kept");
      return stopped;
    } catch (RuntimeException e) {
      String message = SessionSteps.message(e);
      var failure = new StopFailure(failed.createdAt(), message);
      if (failure.equals(stopFailures.put(failed.id(), failure))) {
        log.debug("session {}: still cannot stop what it started: {}", failed.id(), message);
        return failed; // said already, in the same words
      }
      log.warn("session {}: could not stop what its failed start left", failed.id(), e);
      steps.event(
          failed.id(),
          "error",
          "could not stop what it started ("
              + message
              + "); Berth tries again at each reconcile (said again only if the error changes)");
      return failed;
    }
  }

  /** The app's last lines as an event, before a stop can take them away (a deleted pod's). */
  private void recordLogTail(Session s, RuntimeSession rs, SessionRuntime runtime) {
    try {
      String tail = runtime.logTail(rs, 30);
      if (!tail.isBlank()) {
        steps.event(s.id(), "log", "last lines of the app's output", tail);
      }
    } catch (RuntimeException e) {
      log.debug("session {}: no log tail: {}", s.id(), e.toString());
    }
  }

  /** Endpoints as the registry keeps them, from what a start answered. */
  public static Map<Integer, String> urls(Map<Integer, URI> endpoints) {
    Map<Integer, String> out = new TreeMap<>();
    endpoints.forEach((port, uri) -> out.put(port, uri.toString()));
    return out;
  }

  /**
   * Records that the session should be stopped, then STOPPING, the runtime's stop, STOPPED (or
   * FAILED). Stopping a stopped session only records the wish; {@code reason} is kept as its status
   * reason.
   */
  public Session stop(Session s, String reason) {
    if (s.lifecycle().desired() != DesiredState.STOPPED
        || s.lifecycle().nextRestartAt().isPresent()) {
      s = steps.save(s.withLifecycle(s.lifecycle().want(DesiredState.STOPPED)));
    }
    if (s.status() == SessionStatus.STOPPED) {
      return s;
    }
    Session stopping =
        s.status() == SessionStatus.STOPPING
            ? s // a stop that a manager restart interrupted: finish it
            : steps.save(s.withStatus(SessionStatus.STOPPING, reason, steps.now()));
    steps.endExecs(
        s.id(),
        "session '" + s.id() + "' is being stopped" + (reason.isEmpty() ? "" : ": " + reason));
    SessionRuntime runtime = steps.runtimeOf(s);
    Template template = steps.templateOrBuiltin(s);
    Session done =
        steps.runStep(
            stopping,
            "stop",
            () -> {
              RuntimeState state =
                  runtime.stop(steps.runtimeSession(stopping, template), steps.stopGrace());
              return stopping.withRuntimeState(state, steps.now());
            });
    if (done.status() == SessionStatus.FAILED) {
      return done;
    }
    return steps.save(
        done.withStatus(SessionStatus.STOPPED, reason, steps.now())
            .withEndpoints(Map.of(), steps.now()));
  }

  /**
   * Moves a stopped session onto its template's current image ({@link
   * dev.berth.runtime.RuntimeImages#renew}), keeping its workspace; FAILED with the reason when the
   * runtime cannot. The caller checks {@link Ability#IMAGE_BUILDS} first.
   */
  public Session renew(Session stopped, Template template, SessionRuntime runtime) {
    Session renewed =
        steps.runStep(
            stopped,
            "renew",
            () ->
                stopped.withRuntimeState(
                    runtime.images().renew(steps.runtimeSession(stopped, template)), steps.now()));
    if (renewed.status() != SessionStatus.FAILED) {
      recordImage(runtime, steps.runtimeSession(renewed, template));
      steps.event(renewed.id(), "image", "renewed on the template's current image");
    }
    return renewed;
  }
}
