package dev.berth.reconcile;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.ObservedState;
import dev.berth.service.LockedSession;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionStatus;
import dev.berth.template.RestartPolicy;
import dev.berth.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one session: under its lifecycle lock, reads what the registry wants and what the
 * runtime shows, asks {@link Decide} what to do, and does it through the session's own steps (the
 * same start, stop and delete a user gets). Idempotent: running it twice in a row does nothing the
 * second time unless something changed.
 */
public final class SessionReconciler {
  private static final Logger log = LoggerFactory.getLogger(SessionReconciler.class);

  /** What came of one attempt. */
  public enum Outcome {
    /** Reconciled (which may have meant doing nothing). */
    DONE,
    /** Another operation holds the session: try again later. */
    BUSY,
    /** No live session with that id. */
    GONE
  }

  /**
   * When a delete that left something is tried again: 5 s after the first retry, doubling, at most
   * every 5 minutes, for as long as it takes (a volume held by another container, an engine that
   * refuses for a while). Its own schedule, not the template's restart policy: that one is tuned
   * for an app coming back, and a failing cleanup retried every few seconds only fills the log.
   */
  static final RestartPolicy DELETE_RETRY =
      new RestartPolicy(
          RestartPolicy.Mode.ALWAYS,
          Integer.MAX_VALUE,
          Duration.ofSeconds(5),
          Duration.ofMinutes(5));

  private final SessionService sessions;
  private final ReconcileMetrics metrics;
  private final HealthMonitor health;
  private final ContainerRestarts containerRestarts = new ContainerRestarts();
  private final BiConsumer<SessionId, Instant> wakeAt;

  public SessionReconciler(SessionService sessions, ReconcileMetrics metrics) {
    this(sessions, metrics, HealthMonitor.NONE, (id, at) -> {});
  }

  /**
   * @param wakeAt asked to reconcile a session again at a time (a container restart that is due
   *     then); without one, the next periodic pass does it
   */
  SessionReconciler(
      SessionService sessions,
      ReconcileMetrics metrics,
      HealthMonitor health,
      BiConsumer<SessionId, Instant> wakeAt) {
    this.sessions = sessions;
    this.metrics = metrics;
    this.health = health;
    this.wakeAt = wakeAt;
  }

  SessionReconciler(SessionService sessions, ReconcileMetrics metrics, HealthMonitor health) {
    this(sessions, metrics, health, (id, at) -> {});
  }

  /** One pass over every live session, one after the other; busy sessions are skipped. */
  public void reconcileAll() {
    for (Session s : sessions.list(SessionFilter.ALL_LIVE)) {
      try {
        reconcile(s.id());
      } catch (RuntimeException e) {
        log.warn("could not reconcile session {}: {}", s.id(), e.toString());
      }
    }
  }

  public Outcome reconcile(SessionId id) {
    Optional<Boolean> done =
        sessions.tryRepair(
            id,
            locked -> {
              apply(locked);
              return true;
            });
    if (done.isPresent()) {
      return Outcome.DONE;
    }
    try {
      sessions.get(id);
      return Outcome.BUSY;
    } catch (BerthException gone) {
      health.forget(id);
      containerRestarts.forget(id);
      return Outcome.GONE;
    }
  }

  private void apply(LockedSession locked) {
    Session s = locked.session();
    Template t = locked.template();
    ObservedState observed = locked.observe();
    Instant now = sessions.clock().instant();
    Step step =
        Decide.decide(s, t, observed, health.unhealthy(s.id(), t), locked.lastActivity(), now);
    String backend = s.backend();
    if (!(step instanceof Step.Nothing) && !(step instanceof Step.ResetRestarts)) {
      containerRestarts.forget(s.id()); // the session as a whole changes: its counts start over
    }
    switch (step) {
      case Step.Nothing n -> {
        if (s.status() == SessionStatus.RUNNING && observed instanceof ObservedState.Running) {
          if (t.containers().isEmpty()) {
            locked.explain(""); // a reason left from containers its template no longer has
          } else {
            containers(locked, t, now);
          }
        }
      }
      case Step.Fail f -> {
        log.info("session {}: {}", s.id(), f.reason());
        if (s.status() != SessionStatus.FAILED) {
          metrics.failure(backend);
        }
        health.forget(s.id());
        locked.fail(f.reason(), f.restartAt());
      }
      case Step.Restart r -> {
        log.info("session {}: restarting ({})", s.id(), r.why());
        metrics.restart(backend);
        health.forget(s.id());
        Session after = locked.restart(r.why());
        if (after.status() == SessionStatus.FAILED) {
          Step next =
              Decide.failed(
                  after, t, after.statusReason(), OptionalInt.empty(), sessions.clock().instant());
          if (next instanceof Step.Fail f) {
            locked.fail(f.reason(), f.restartAt());
          }
        }
      }
      case Step.Quit q -> {
        log.info("session {}: {}", s.id(), q.reason());
        health.forget(s.id());
        locked.stop(q.reason());
      }
      case Step.StopLeftovers l -> {
        log.info("session {}: FAILED but still running; stopping what runs", s.id());
        locked.stopLeftovers();
      }
      case Step.ResumeCreate c -> {
        log.info("session {}: finishing an interrupted create", s.id());
        metrics.resumed("create");
        locked.resumeCreate();
      }
      case Step.Stop st -> {
        log.info("session {}: finishing a stop", s.id());
        metrics.resumed("stop");
        locked.stop(st.reason());
      }
      case Step.Delete d -> {
        log.info("session {}: finishing a delete ({})", s.id(), d.why());
        metrics.resumed("delete");
        delete(locked, d.why());
      }
      case Step.Cull c -> {
        log.info("session {}: {} ({} timeout): {}", s.id(), c.action(), c.kind(), c.reason());
        metrics.cull(c.kind(), c.action());
        health.forget(s.id());
        locked.note("cull", c.action().yamlName() + ": " + c.reason());
        switch (c.action()) {
          case STOP -> locked.stop(c.reason());
          case DELETE -> delete(locked, c.reason());
        }
      }
      case Step.ResetRestarts r -> locked.resetRestarts();
    }
  }

  /**
   * Restarts, alone, the session's extra containers that ended or were lost (see {@link
   * ContainerRestarts}), and keeps the session's status reason naming the first one that is down,
   * cleared once every one is back.
   */
  private void containers(LockedSession locked, Template t, Instant now) {
    SessionId id = locked.session().id();
    var seen = locked.containers();
    if (seen.isEmpty()) {
      return; // the runtime cannot tell now: judge nothing, keep the reason as it is
    }
    var verdicts = containerRestarts.judge(id, t.lifetime().restart(), seen, now);
    String down = "";
    for (var v : verdicts) {
      switch (v) {
        case ContainerRestarts.Verdict.Down d -> {
          if (down.isEmpty()) {
            down = d.why();
          }
        }
        case ContainerRestarts.Verdict.GiveUp g -> {
          log.info("session {}: {}", id, g.reason());
          metrics.failure(locked.session().backend());
          containerRestarts.forget(id);
          health.forget(id);
          locked.fail(g.reason(), Optional.empty());
          return;
        }
        case ContainerRestarts.Verdict.Restart r -> {
          log.info("session {}: {}", id, r.why());
          metrics.restart(locked.session().backend());
          try {
            locked.restartContainer(r.type(), r.why());
          } catch (BerthException e) {
            if (e.code() != ErrorCode.CONFLICT) {
              // Counted as a restart: the next pass sees it still ended and backs off further.
              log.warn(
                  "session {}: could not restart container {}: {}", id, r.type(), e.toString());
              locked.note("container", "could not restart container '" + r.type() + "': " + e);
              if (down.isEmpty()) {
                down = r.why() + " did not work: " + e.getMessage();
              }
              continue;
            }
            // The backend cannot start one container alone (a Kubernetes pod): the session is
            // restarted as a whole, per the same policy, as when its main app ends.
            Step whole =
                Decide.failed(
                    locked.session(),
                    t,
                    "its container '"
                        + r.type()
                        + "' ended, and its backend cannot restart one container alone ("
                        + e.getMessage()
                        + ")",
                    OptionalInt.empty(),
                    now);
            if (whole instanceof Step.Fail f) {
              metrics.failure(locked.session().backend());
              containerRestarts.forget(id);
              health.forget(id);
              locked.fail(f.reason(), f.restartAt());
            }
            return;
          }
        }
      }
    }
    locked.explain(down);
    containerRestarts.nextDue(id).ifPresent(at -> wakeAt.accept(id, at));
  }

  private void delete(LockedSession locked, String why) {
    SessionCleanupReceipt receipt = locked.delete(why);
    if (!receipt.complete()) {
      Session after = locked.session();
      // Try again later, backing off: a resource may be held for a while.
      locked.retryAt(
          sessions.clock().instant().plus(DELETE_RETRY.delay(after.lifecycle().restarts())));
    }
  }
}
