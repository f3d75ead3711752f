package dev.berth.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * What one {@link SessionRuntime#destroy} call removed and what it could not. A resource that was
 * already gone is neither: destroy is idempotent and a second call on a clean session reports
 * nothing.
 */
public record CleanupReport(List<RemovedResource> removed, List<FailedResource> failed) {
  public CleanupReport {
    removed = List.copyOf(removed);
    failed = List.copyOf(failed);
  }

  public static CleanupReport empty() {
    return new CleanupReport(List.of(), List.of());
  }

  public boolean complete() {
    return failed.isEmpty();
  }

  public record RemovedResource(String kind, String name) {}

  public record FailedResource(String kind, String name, String reason) {}

  /** Collects outcomes while a destroy walks a session's resources. */
  public static final class Builder {
    private final List<RemovedResource> removed = new ArrayList<>();
    private final List<FailedResource> failed = new ArrayList<>();

    public Builder removed(String kind, String name) {
      removed.add(new RemovedResource(kind, name));
      return this;
    }

    public Builder failed(String kind, String name, String reason) {
      failed.add(new FailedResource(kind, name, reason));
      return this;
    }

    public CleanupReport build() {
      return new CleanupReport(removed, failed);
    }
  }
}
