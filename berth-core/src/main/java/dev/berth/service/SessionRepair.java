package dev.berth.service;

import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.LifecycleSteps;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's handle on one session, valid only inside {@code SessionService.tryRepair} (which
 * holds the session's lifecycle lock). Reuses the service's own steps, so a restart is the same
 * start a user gets, and a cull-delete the same delete with the same receipt.
 */
final class SessionRepair implements LockedSession {
  private static final Logger log = LoggerFactory.getLogger(SessionRepair.class);
  private final SessionSteps steps;
  private final LifecycleSteps lifecycle;
  private final SessionDeletion deletion;
  private Session current;

  SessionRepair(
      SessionSteps steps, LifecycleSteps lifecycle, SessionDeletion deletion, Session session) {
    this.steps = steps;
    this.lifecycle = lifecycle;
    this.deletion = deletion;
    this.current = session;
  }

  @Override
  public Session session() {
    return current;
  }

  @Override
  public Template template() {
    return steps.templateOrBuiltin(current);
  }

  @Override
  public boolean templateExists() {
    return steps.templates().names().contains(current.template());
  }

  private SessionRuntime runtime() {
    return steps.runtimeOf(current);
  }

  @Override
  public ObservedState observe() {
    try {
      return runtime().inspect(steps.runtimeSession(current, template()));
    } catch (RuntimeException e) {
      return new ObservedState.Unknown(SessionSteps.message(e));
    }
  }

  @Override
  public List<ContainerStatus> containers() {
    try {
      return runtime().containers(steps.runtimeSession(current, template()));
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  @Override
  public Session restartContainer(String type, String why) {
    steps.event(current.id(), "container", "restarting container '" + type + "' alone: " + why);
    var state = runtime().startContainer(steps.runtimeSession(current, template()), type);
    current = steps.save(current.withRuntimeState(state, steps.clock().instant()));
    return current;
  }

  @Override
  public Session explain(String reason) {
    if (current.status() == SessionStatus.RUNNING && !current.statusReason().equals(reason)) {
      current = steps.save(current.withReason(reason, steps.clock().instant()));
    }
    return current;
  }

  @Override
  public SessionActivity lastActivity() {
    return steps.lastActivity(current);
  }

  @Override
  public Session fail(String reason, Optional<Instant> restartAt) {
    Instant now = steps.clock().instant();
    Session next = current;
    if (next.status() != SessionStatus.FAILED || !next.statusReason().equals(reason)) {
      next = next.withStatus(SessionStatus.FAILED, reason, now);
    }
    next = next.withLifecycle(next.lifecycle().withRestartAt(restartAt));
    if (next.status() != SessionStatus.RUNNING) {
      next = next.withEndpoints(Map.of(), now);
    }
    boolean newlyFailed = current.status() != SessionStatus.FAILED;
    current = steps.save(next);
    if (newlyFailed) {
      // Unhealthy, or gone FAILED for good: its app must not go on running (an already FAILED
      // one was settled when it failed; one whose stop failed is StopLeftovers' job).
      current = lifecycle.stopAfterFailure(current, template(), runtime());
    }
    return current;
  }

  @Override
  public Session stopLeftovers() {
    current = lifecycle.stopAfterFailure(current, template(), runtime());
    return current;
  }

  @Override
  public Session restart(String why) {
    if (!templateExists()) {
      // A start applies the template as it is now, and the built-in stand-in is not it: starting
      // from it would run the wrong app (on Docker: recreate the container without it).
      return fail(
          why
              + "; not restarted: its template '"
              + current.template()
              + "' is not loaded (removed, or it has an error: run 'berth templates check'),"
              + " fix it and start the session",
          Optional.empty());
    }
    Template template = template();
    SessionRuntime runtime = runtime();
    // Counted in memory and saved with the next status (FAILED or STARTING): no moment where the
    // registry shows a FAILED session with neither a restart pending nor one under way.
    current = current.withLifecycle(current.lifecycle().restarted());
    steps.event(
        current.id(),
        "restart",
        "restart "
            + current.lifecycle().restarts()
            + " of "
            + template.lifetime().restart().limit()
            + ": "
            + why);
    steps.endExecs(current.id(), "session '" + current.id() + "' is being restarted: " + why);
    if (observe() instanceof ObservedState.Running) {
      try {
        runtime.stop(steps.runtimeSession(current, template), steps.stopGrace());
      } catch (RuntimeException e) {
        log.warn("session {}: stop before restart failed: {}", current.id(), e.toString());
      }
    }
    if (current.status() == SessionStatus.RUNNING || current.status() == SessionStatus.STARTING) {
      current = steps.save(current.withStatus(SessionStatus.FAILED, why, steps.clock().instant()));
    }
    int counted = current.lifecycle().restarts();
    current = lifecycle.start(current, template, runtime);
    if (current.status() == SessionStatus.FAILED && observe() instanceof ObservedState.Unknown) {
      // The backend went away during the attempt (an engine restart, say): not the app's fault,
      // so it does not count against the restart limit.
      current =
          steps.save(
              current.withLifecycle(
                  new SessionLifecycle(
                      current.lifecycle().desired(),
                      counted - 1,
                      current.lifecycle().nextRestartAt())));
    }
    return current;
  }

  @Override
  public Session resumeCreate() {
    if (!templateExists()) {
      return fail(
          "interrupted while being created, and its template '"
              + current.template()
              + "' no longer exists",
          Optional.empty());
    }
    steps.event(current.id(), "resume", "finishing a create that a manager restart interrupted");
    current = lifecycle.prepareThenStartOrWarm(current, template(), runtime());
    return current;
  }

  @Override
  public Session stop(String reason) {
    current = lifecycle.stop(current, reason);
    return current;
  }

  @Override
  public SessionCleanupReceipt delete(String why) {
    SessionCleanupReceipt receipt = deletion.delete(current, why, true);
    current = steps.find(current.id()).orElse(current);
    return receipt;
  }

  @Override
  public Session retryAt(Instant at) {
    current =
        steps.save(
            current.withLifecycle(current.lifecycle().restarted().withRestartAt(Optional.of(at))));
    return current;
  }

  @Override
  public Session resetRestarts() {
    current = steps.save(current.withLifecycle(current.lifecycle().resetRestarts()));
    return current;
  }

  @Override
  public void note(String type, String message) {
    steps.event(current.id(), type, message);
  }
}
