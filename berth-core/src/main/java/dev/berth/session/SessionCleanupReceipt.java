package dev.berth.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport;
import java.time.Instant;
import java.util.List;

/**
 * What a delete removed, by session ID: every resource removed and every one that could not be,
 * with the backend's reason. A receipt with failures means the session is still there to retry; a
 * second delete of a clean session gives a receipt with nothing in it.
 */
public record SessionCleanupReceipt(
    SessionId sessionId,
    String backend,
    List<CleanupReport.RemovedResource> removed,
    List<CleanupReport.FailedResource> failed,
    Instant at) {

  public SessionCleanupReceipt {
    removed = List.copyOf(removed);
    failed = List.copyOf(failed);
  }

  @JsonProperty
  public boolean complete() {
    return failed.isEmpty();
  }

  @JsonProperty
  public boolean nothingLeft() {
    return removed.isEmpty() && failed.isEmpty();
  }

  public static SessionCleanupReceipt of(
      SessionId id, String backend, CleanupReport report, Instant at) {
    return new SessionCleanupReceipt(id, backend, report.removed(), report.failed(), at);
  }
}
