package dev.berth.service;

import dev.berth.base.SessionId;
import dev.berth.registry.MigrationRecord;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.LifecycleSteps;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up pass over migrations a manager's death interrupted ({@link SessionMigration} records
 * each one as under way until it is over). Before the reconciler's first pass, each one found is
 * settled under the session's lifecycle lock, and its trail says how:
 *
 * <ul>
 *   <li>the registry still has the session on its source: <b>rolled back</b>. What the target made
 *       is removed, and a session that was running is started again on its source (a crash leaves
 *       it stopped, or half stopped);
 *   <li>the registry had switched it to the target already: <b>finished</b>. Only the source's
 *       cleanup was owed; it is done now.
 * </ul>
 *
 * A backend that is not configured any more cannot be cleaned: its part is left to {@code berth gc}
 * and the event says so.
 */
final class InterruptedMigrations {
  private static final Logger log = LoggerFactory.getLogger(InterruptedMigrations.class);
  private final SessionSteps steps;
  private final LifecycleSteps lifecycle;

  InterruptedMigrations(SessionSteps steps, LifecycleSteps lifecycle) {
    this.steps = steps;
    this.lifecycle = lifecycle;
  }

  /** Settles every interrupted migration; returns the sessions it settled. */
  List<SessionId> settleAll() {
    List<SessionId> settled = new ArrayList<>();
    steps
        .registry()
        .sessions()
        .migrations()
        .forEach(
            (id, migration) -> {
              try {
                steps.locks().exclusive(id, () -> settle(id, migration));
                settled.add(id);
              } catch (RuntimeException e) {
                log.warn("session {}: could not settle its interrupted migration", id, e);
              }
            });
    return settled;
  }

  private Void settle(SessionId id, MigrationRecord migration) {
    Optional<Session> found = steps.find(id).filter(s -> s.status().isLive());
    if (found.isEmpty()) {
      steps.registry().sessions().clearMigration(id);
      return null;
    }
    Session s = found.get();
    if (s.backend().equals(migration.to())) {
      finish(s, migration);
    } else {
      rollBack(s, migration);
    }
    steps.registry().sessions().clearMigration(id);
    return null;
  }

  private void rollBack(Session s, MigrationRecord migration) {
    SessionId id = s.id();
    Template template = steps.templateOrBuiltin(s);
    String removed =
        destroy(
            migration.to(),
            RuntimeSession.fresh(id, s.handle(), template, s.labels())
                .withState(migration.targetRuntimeState()));
    String where = "the session stays on " + s.backend();
    if (migration.wasRunning() && s.lifecycle().desired() != DesiredState.DELETED) {
      // The crash may have come during the stop: finish it, then start from a known state.
      Session stopped = lifecycle.stop(s, "");
      Session wanted =
          steps.save(stopped.withLifecycle(stopped.lifecycle().want(DesiredState.RUNNING)));
      Session restarted =
          steps.templates().names().contains(s.template())
              ? lifecycle.start(wanted, steps.templateOf(wanted), steps.runtimeOf(wanted))
              : wanted;
      where +=
          restarted.status() == SessionStatus.RUNNING
              ? ", running again"
              : " but did not start again: "
                  + (restarted == wanted
                      ? "its template '" + s.template() + "' is not loaded"
                      : restarted.statusReason());
    }
    steps.event(
        id,
        "migration",
        "rolled back the migration to "
            + migration.to()
            + " that a manager restart interrupted: "
            + where
            + "; "
            + removed);
  }

  private void finish(Session s, MigrationRecord migration) {
    Template template = steps.templateOrBuiltin(s);
    String removed =
        destroy(
            migration.from(),
            // Named from the handle alone: the registry's state is the target's now.
            RuntimeSession.fresh(s.id(), s.handle(), template, s.labels()));
    steps.event(
        s.id(),
        "migration",
        "finished the migration from "
            + migration.from()
            + " to "
            + migration.to()
            + " that a manager restart interrupted: the session lives on "
            + migration.to()
            + "; the source's cleanup: "
            + removed);
  }

  /** Removes the session's resources on {@code backend}; what was done, in words. */
  private String destroy(String backend, RuntimeSession rs) {
    if (!steps.backends().names().contains(backend)) {
      return "backend '"
          + backend
          + "' is not configured any more; 'berth gc' removes what is left";
    }
    SessionRuntime runtime = steps.backends().get(backend);
    try {
      var report = runtime.destroy(rs);
      return report.failed().isEmpty()
          ? "removed " + report.removed().size() + " resource(s) on " + backend
          : "removed "
              + report.removed().size()
              + ", failed "
              + report.failed().size()
              + " on "
              + backend
              + " ('berth gc' removes what is left)";
    } catch (RuntimeException e) {
      log.warn("session {}: cleanup on {} failed", rs.id(), backend, e);
      return "cleanup on "
          + backend
          + " failed ("
          + SessionSteps.message(e)
          + "; 'berth gc' removes"
          + " what is left)";
    }
  }
}
