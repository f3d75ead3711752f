package dev.berth.service;

import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.CleanupReport.RemovedResource;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session's delete, under its lifecycle lock: records that it was asked (desired DELETED) before
 * anything is removed, removes everything through the runtime, writes the receipt to the session's
 * events, and marks it DELETED (tokens revoked) or, when something is left, FAILED and still
 * wanting deletion. A delete found wanted but unfinished (the manager died during it, or it was
 * incomplete) is finished the same way, and says so.
 */
final class SessionDeletion {
  private static final Logger log = LoggerFactory.getLogger(SessionDeletion.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final SessionSteps steps;

  SessionDeletion(SessionSteps steps) {
    this.steps = steps;
  }

  SessionCleanupReceipt delete(Session s, String why) {
    SessionId id = s.id();
    SessionRuntime runtime = steps.runtimeOf(s);
    boolean resumed = false;
    List<RemovedResource> planned = List.of();
    if (s.status() != SessionStatus.DELETED) {
      // Recorded before anything is removed: a manager killed during the cleanup finishes it at
      // its next start instead of leaving a half-deleted session that looks alive.
      resumed = s.lifecycle().desired() == DesiredState.DELETED;
      if (!resumed) {
        s = steps.save(s.withLifecycle(s.lifecycle().want(DesiredState.DELETED)));
        planned = plan(runtime, s);
        steps.registry().sessions().saveDeletePlan(id, planned);
      } else {
        planned = steps.registry().sessions().deletePlan(id);
      }
      steps.event(
          id,
          "deleting",
          (resumed ? "finishing an interrupted or incomplete delete" : "deleting")
              + (why.isEmpty() ? "" : ": " + why),
          resumed ? "" : JSON.writeValueAsString(planned));
    }
    CleanupReport report;
    try {
      report = runtime.destroy(steps.runtimeSession(s, steps.templateOrBuiltin(s)));
    } catch (RuntimeException e) {
      log.warn("destroy of session {} failed", id, e);
      report =
          new CleanupReport.Builder()
              .failed("session", id.value(), SessionSteps.message(e))
              .build();
    }
    if (resumed) {
      report = withEarlierRemovals(report, planned);
    }
    var receipt = SessionCleanupReceipt.of(id, s.backend(), report, steps.now());
    steps.event(id, "cleanup", summary(receipt), JSON.writeValueAsString(receipt));
    if (s.status() == SessionStatus.DELETED) {
      return receipt;
    }
    if (receipt.complete()) {
      steps.registry().tokens().deleteSession(id); // and its browser logins, in one transaction
      steps.activity().forget(id);
      steps.save(
          s.withStatus(SessionStatus.DELETED, "", steps.now())
              .withEndpoints(Map.of(), steps.now()));
    } else {
      String reason = "cleanup incomplete: " + receipt.failed().size() + " resource(s) left";
      steps.save(s.withStatus(SessionStatus.FAILED, reason, steps.now()));
    }
    return receipt;
  }

  /**
   * The session's resources as the runtime lists them, saved as the session's delete plan (and
   * shown in the "deleting" event): if this run is killed half-way, the run that finishes it lists
   * in its receipt what this one removed. Best effort: a runtime that cannot list now gives an
   * empty plan, never a failed delete.
   */
  private static List<RemovedResource> plan(SessionRuntime runtime, Session s) {
    SessionId id = s.id();
    try {
      // cleanup by session id goes through the session's handle, which names its resources
      return runtime.listOwned(s.handle()).stream()
          .map(r -> new RemovedResource(r.kind(), r.name()))
          .toList();
    } catch (RuntimeException e) {
      log.info("delete of {}: could not list its resources first: {}", id, e.toString());
      return List.of();
    }
  }

  /**
   * This run's report plus what the interrupted run had removed: planned resources this run neither
   * removed nor failed on were gone already (destroy finds everything still there).
   */
  private static CleanupReport withEarlierRemovals(
      CleanupReport report, List<RemovedResource> planned) {
    Set<String> seen = new HashSet<>();
    report.removed().forEach(r -> seen.add(r.kind() + "/" + r.name()));
    report.failed().forEach(f -> seen.add(f.kind() + "/" + f.name()));
    List<RemovedResource> removed = new ArrayList<>(report.removed());
    for (RemovedResource p : planned) {
      if (seen.add(p.kind() + "/" + p.name())) {
        removed.add(p);
      }
    }
    return new CleanupReport(removed, report.failed());
  }

  private static String summary(SessionCleanupReceipt r) {
    if (r.nothingLeft()) {
      return "cleanup: nothing left to remove";
    }
    return "cleanup: removed " + r.removed().size() + ", failed " + r.failed().size();
  }
}
