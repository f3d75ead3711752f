package dev.berth.session;

import dev.berth.registry.Registry;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.SessionRuntime;
import java.util.Map;
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
  private final SessionService service;
  private final Registry registry;
  private final ActivityTracker activity;

  SessionDeletion(SessionService service, Registry registry, ActivityTracker activity) {
    this.service = service;
    this.registry = registry;
    this.activity = activity;
  }

  SessionCleanupReceipt delete(Session s, String why) {
    SessionId id = s.id();
    boolean resumed = false;
    if (s.status() != SessionStatus.DELETED) {
      // Recorded before anything is removed: a manager killed during the cleanup finishes it at
      // its next start instead of leaving a half-deleted session that looks alive.
      resumed = s.lifecycle().desired() == DesiredState.DELETED;
      if (!resumed) {
        s = service.save(s.withLifecycle(s.lifecycle().want(DesiredState.DELETED)));
      }
      service.event(
          id,
          "deleting",
          (resumed ? "finishing an interrupted or incomplete delete" : "deleting")
              + (why.isEmpty() ? "" : ": " + why));
    }
    SessionRuntime runtime = service.runtimeOf(s);
    CleanupReport report;
    try {
      report = runtime.destroy(service.runtimeSession(s, service.templateOrBuiltin(s)));
    } catch (RuntimeException e) {
      log.warn("destroy of session {} failed", id, e);
      report =
          new CleanupReport.Builder()
              .failed("session", id.value(), SessionService.message(e))
              .build();
    }
    var receipt = SessionCleanupReceipt.of(id, s.backend(), report, service.clock().instant());
    service.event(id, "cleanup", summary(receipt), JSON.writeValueAsString(receipt));
    if (s.status() == SessionStatus.DELETED) {
      return receipt;
    }
    if (receipt.complete()) {
      registry.deleteTokens(id);
      activity.forget(id);
      service.save(
          s.withStatus(SessionStatus.DELETED, "", service.clock().instant())
              .withEndpoints(Map.of(), service.clock().instant()));
    } else {
      String reason = "cleanup incomplete: " + receipt.failed().size() + " resource(s) left";
      service.save(s.withStatus(SessionStatus.FAILED, reason, service.clock().instant()));
    }
    return receipt;
  }

  private static String summary(SessionCleanupReceipt r) {
    if (r.nothingLeft()) {
      return "cleanup: nothing left to remove";
    }
    return "cleanup: removed " + r.removed().size() + ", failed " + r.failed().size();
  }
}
