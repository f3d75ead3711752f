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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session's delete, under its lifecycle lock: records that it was asked (desired DELETED) before
 * anything is removed, removes everything through the runtime, writes the receipt to the session's
 * events, and marks it DELETED (tokens revoked) or, when something is left, FAILED and still
 * wanting deletion. A delete found wanted but unfinished (the manager died during it, or it was
 * incomplete) is finished the same way, and says so.
 *
 * <p>An incomplete delete's status reason names what is left and why ({@link #INCOMPLETE}), so the
 * session's life can say what it waits for, and its delete plan keeps only what is left, so the
 * retry that finishes it (a delete again, or the reconciler's) reports the rest, not again what the
 * incomplete one's receipt reported. The reconciler retries it for as long as it takes; a retry
 * that ends as the attempt before it did (nothing removed, the same things left for the same
 * reasons) writes no events and changes nothing: the trail records changes, not attempts.
 */
final class SessionDeletion {
  private static final Logger log = LoggerFactory.getLogger(SessionDeletion.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** How the status reason of a delete that left something starts. */
  static final String INCOMPLETE = "cleanup incomplete: ";

  private final SessionSteps steps;

  SessionDeletion(SessionSteps steps) {
    this.steps = steps;
  }

  SessionCleanupReceipt delete(Session s, String why) {
    return delete(s, why, false);
  }

  /**
   * @param quietRetry a retry of an incomplete delete (the reconciler's) that ends as the one
   *     before it did writes nothing
   */
  SessionCleanupReceipt delete(Session s, String why, boolean quietRetry) {
    SessionId id = s.id();
    SessionRuntime runtime = steps.runtimeOf(s);
    // Before anything is removed: a delete never waits for an exec, it ends it.
    steps.endExecs(id, "session '" + id + "' is being deleted" + (why.isEmpty() ? "" : ": " + why));
    boolean retry =
        quietRetry
            && s.lifecycle().desired() == DesiredState.DELETED
            && s.status() == SessionStatus.FAILED
            && s.statusReason().startsWith(INCOMPLETE);
    // A retry destroys first and writes only if that changed something; else the events and
    // plan come first, as they must for a delete a crash may interrupt.
    Optional<CleanupReport> attempt = retry ? Optional.of(destroy(runtime, s)) : Optional.empty();
    if (attempt.isPresent() && sameAsBefore(s, attempt.get())) {
      log.info("delete of {} still incomplete: {}", id, s.statusReason());
      return SessionCleanupReceipt.of(id, s.backend(), attempt.get(), steps.now());
    }
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
    CleanupReport report = attempt.isPresent() ? attempt.get() : destroy(runtime, s);
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
      // This receipt told what it removed: the run that finishes the delete lists only the rest.
      steps.registry().sessions().saveDeletePlan(id, stillToRemove(planned, receipt.removed()));
      steps.save(s.withStatus(SessionStatus.FAILED, incomplete(receipt.failed()), steps.now()));
    }
    return receipt;
  }

  /** The planned resources a receipt did not report removed: what a later run still owes. */
  private static List<RemovedResource> stillToRemove(
      List<RemovedResource> planned, List<RemovedResource> removed) {
    Set<String> gone = new HashSet<>();
    removed.forEach(r -> gone.add(r.kind() + "/" + r.name()));
    return planned.stream().filter(p -> !gone.contains(p.kind() + "/" + p.name())).toList();
  }

  /** Whether an attempt ended as the one before it did: nothing removed, the same left. */
  private static boolean sameAsBefore(Session s, CleanupReport report) {
    return report.removed().isEmpty()
        && !report.failed().isEmpty()
        && incomplete(report.failed()).equals(s.statusReason());
  }

  private CleanupReport destroy(SessionRuntime runtime, Session s) {
    try {
      return runtime.destroy(steps.runtimeSession(s, steps.templateOrBuiltin(s)));
    } catch (RuntimeException e) {
      log.warn("destroy of session {} failed", s.id(), e);
      return new CleanupReport.Builder()
          .failed("session", s.id().value(), SessionSteps.message(e))
          .build();
    }
  }

  /** The status reason of a delete that left {@code failed}: what is left, and why. */
  static String incomplete(List<CleanupReport.FailedResource> failed) {
    return INCOMPLETE
        + failed.size()
        + " resource(s) left: "
        + failed.stream()
            .map(f -> f.kind() + " " + f.name() + " (" + f.reason() + ")")
            .collect(Collectors.joining(", "));
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
