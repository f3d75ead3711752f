package dev.berth.reconcile;

import dev.berth.base.SessionId;
import dev.berth.registry.PoolStore;
import dev.berth.registry.SessionStore;
import dev.berth.runtime.Backends;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and removes orphans: resources carrying this Berth's labels whose session has no live
 * registry entry (nor a warm-pool member's), older than a grace period. Why they exist: a manager
 * killed between making a resource and recording it, a registry restored from an old backup, a
 * delete that failed half way and was never retried. Creates record the session (PENDING) before
 * any resource is made, so a resource being created right now always has a live entry and is never
 * taken for an orphan; the grace period covers clocks and resources whose age the backend cannot
 * tell.
 *
 * <p>Removal goes through {@link SessionRuntime#destroy} with the session's id and labels, the same
 * path as a delete, so it finds everything of that session and nothing else.
 */
public final class OrphanCollector {
  private final SessionStore sessions;
  private final PoolStore pools;
  private final Backends backends;
  private final Clock clock;
  private final SessionGuard guard;

  /**
   * @param guard holds the session's lifecycle lock around the final check and the removal, so a
   *     create of the same id cannot interleave with them
   */
  public OrphanCollector(
      SessionStore sessions, PoolStore pools, Backends backends, Clock clock, SessionGuard guard) {
    this.sessions = sessions;
    this.pools = pools;
    this.backends = backends;
    this.clock = clock;
    this.guard = guard;
  }

  /**
   * One orphaned session's resources on one backend, and what was done about them.
   *
   * @param sessionId the handle the resources carry in their {@code berth.session} label: the
   *     session's id for every session made directly
   */
  public record Orphan(
      String backend,
      String sessionId,
      List<OwnedResource> resources,
      Optional<CleanupReport> cleanup) {}

  /** Lists orphans older than {@code grace}; removes them unless {@code dryRun}. */
  public List<Orphan> collect(Duration grace, boolean dryRun) {
    Instant cutoff = clock.instant().minus(grace);
    List<Orphan> out = new ArrayList<>();
    for (String backend : backends.names()) {
      SessionRuntime runtime = backends.get(backend);
      Map<String, List<OwnedResource>> byHandle = new LinkedHashMap<>();
      for (OwnedResource r : runtime.listOwned()) {
        byHandle.computeIfAbsent(r.handle(), k -> new ArrayList<>()).add(r);
      }
      byHandle.forEach(
          (handle, resources) -> {
            if (isOrphan(backend, handle, resources, cutoff)) {
              Optional<CleanupReport> cleanup =
                  dryRun
                      ? Optional.empty()
                      : Optional.of(remove(backend, runtime, handle, resources));
              out.add(new Orphan(backend, handle, resources, cleanup));
            }
          });
    }
    return out;
  }

  /**
   * Orphans are resources of a session that is not live, or that lives on another backend (what a
   * migration interrupted by a crash leaves on its target).
   */
  private boolean isOrphan(
      String backend, String handle, List<OwnedResource> resources, Instant cutoff) {
    boolean old =
        resources.stream().allMatch(r -> r.createdAt().map(t -> t.isBefore(cutoff)).orElse(true));
    if (!old) {
      return false;
    }
    // Found through the handle the resources are named from (for a session made directly, its id).
    // A warm-pool member's are the pool's; they become a session's in the claim's transaction.
    return !SessionId.isValid(handle)
        || !pools.knows(handle)
            && sessions
                .findByHandle(handle)
                .map(s -> s.status() == SessionStatus.DELETED || !s.backend().equals(backend))
                .orElse(true);
  }

  private CleanupReport remove(
      String backend, SessionRuntime runtime, String handle, List<OwnedResource> resources) {
    if (!SessionId.isValid(handle)) {
      // Not an id Berth could have made: someone else's label; report it, touch nothing.
      var report = new CleanupReport.Builder();
      resources.forEach(
          r -> report.failed(r.kind(), r.name(), "its berth.session label is not a valid id"));
      return report.build();
    }
    String templateName = resources.get(0).template();
    Template template =
        Template.placeholder(
            templateName == null || templateName.isBlank() ? Template.DEFAULT_NAME : templateName);
    // The lock of the session that had the handle, or of the id the handle would be: a create of
    // that id cannot interleave with the last check and the removal.
    SessionId id = sessions.findByHandle(handle).map(Session::id).orElse(SessionId.of(handle));
    return guard.exclusive(
        id,
        () ->
            isOrphan(backend, handle, resources, Instant.MAX)
                ? runtime.destroy(RuntimeSession.fresh(id, handle, template, Map.of()))
                : CleanupReport.empty());
  }
}
