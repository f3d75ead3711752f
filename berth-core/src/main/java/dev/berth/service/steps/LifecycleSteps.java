package dev.berth.service.steps;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.Ability;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StartResult;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prepare, start and stop one session whose lifecycle lock the caller holds: the same steps for a
 * user's create, start and stop, the reconciler's restart and a migration's roll-back. Each records
 * every status it passes through, and a failure leaves the session FAILED with the reason.
 */
public final class LifecycleSteps {
  private final SessionSteps steps;
  private final Readiness readiness;

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
    recordImage(runtime, steps.runtimeSession(prepared, template));
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

  /** STARTING, then the runtime's start and the readiness wait, then RUNNING or FAILED. */
  public Session start(Session s, Template template, SessionRuntime runtime) {
    Session starting = steps.save(s.withStatus(SessionStatus.STARTING, "", steps.now()));
    Session started =
        steps.runStep(
            starting,
            "start",
            () -> {
              StartResult result = runtime.start(steps.runtimeSession(starting, template));
              Session withState =
                  steps.save(starting.withRuntimeState(result.state(), steps.now()));
              RuntimeSession rs = steps.runtimeSession(withState, template);
              // a start may have recreated a lost container, from a newer image
              steps.registry().sessions().setImageId(s.id(), result.imageId().orElse(""));
              Optional<String> notReady = readiness.await(runtime, rs);
              if (notReady.isPresent()) {
                steps.event(
                    s.id(), "log", "last lines of the app's output", runtime.logTail(rs, 30));
                throw new BerthException(ErrorCode.RUNTIME_FAILURE, notReady.get());
              }
              return withState.withEndpoints(urls(result.endpoints()), steps.now());
            });
    if (started.status() == SessionStatus.FAILED) {
      return started;
    }
    return steps.save(started.withStatus(SessionStatus.RUNNING, "", steps.now()));
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
