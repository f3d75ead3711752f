package dev.berth.service;

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
  private final SessionSteps service;
  private final LifecycleSteps lifecycle;
  private final SessionDeletion deletion;
  private Session current;

  SessionRepair(
      SessionSteps steps, LifecycleSteps lifecycle, SessionDeletion deletion, Session session) {
    this.service = steps;
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
    return service.templateOrBuiltin(current);
  }

  @Override
  public boolean templateExists() {
    return service.templates().names().contains(current.template());
  }

  private SessionRuntime runtime() {
    return service.runtimeOf(current);
  }

  @Override
  public ObservedState observe() {
    try {
      return runtime().inspect(service.runtimeSession(current, template()));
    } catch (RuntimeException e) {
      return new ObservedState.Unknown(SessionSteps.message(e));
    }
  }

  @Override
  public SessionActivity lastActivity() {
    return service.activity().last(current);
  }

  @Override
  public Session fail(String reason, Optional<Instant> restartAt) {
    Instant now = service.clock().instant();
    Session next = current;
    if (next.status() != SessionStatus.FAILED || !next.statusReason().equals(reason)) {
      next = next.withStatus(SessionStatus.FAILED, reason, now);
    }
    next = next.withLifecycle(next.lifecycle().withRestartAt(restartAt));
    if (next.status() != SessionStatus.RUNNING) {
      next = next.withEndpoints(Map.of(), now);
    }
    current = service.save(next);
    return current;
  }

  @Override
  public Session restart(String why) {
    Template template = template();
    SessionRuntime runtime = runtime();
    // Counted in memory and saved with the next status (FAILED or STARTING): no moment where the
    // registry shows a FAILED session with neither a restart pending nor one under way.
    current = current.withLifecycle(current.lifecycle().restarted());
    service.event(
        current.id(),
        "restart",
        "restart "
            + current.lifecycle().restarts()
            + " of "
            + template.lifetime().restart().limit()
            + ": "
            + why);
    if (observe() instanceof ObservedState.Running) {
      try {
        runtime.stop(service.runtimeSession(current, template), service.stopGrace());
      } catch (RuntimeException e) {
        log.warn("session {}: stop before restart failed: {}", current.id(), e.toString());
      }
    }
    if (current.status() == SessionStatus.RUNNING || current.status() == SessionStatus.STARTING) {
      current =
          service.save(current.withStatus(SessionStatus.FAILED, why, service.clock().instant()));
    }
    int counted = current.lifecycle().restarts();
    current = lifecycle.start(current, template, runtime);
    if (current.status() == SessionStatus.FAILED && observe() instanceof ObservedState.Unknown) {
      // The backend went away during the attempt (an engine restart, say): not the app's fault,
      // so it does not count against the restart limit.
      current =
          service.save(
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
    service.event(current.id(), "resume", "finishing a create that a manager restart interrupted");
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
    SessionCleanupReceipt receipt = deletion.delete(current, why);
    current = service.find(current.id()).orElse(current);
    return receipt;
  }

  @Override
  public Session retryAt(Instant at) {
    current =
        service.save(
            current.withLifecycle(current.lifecycle().restarted().withRestartAt(Optional.of(at))));
    return current;
  }

  @Override
  public Session resetRestarts() {
    current = service.save(current.withLifecycle(current.lifecycle().resetRestarts()));
    return current;
  }

  @Override
  public void note(String type, String message) {
    service.event(current.id(), type, message);
  }
}
