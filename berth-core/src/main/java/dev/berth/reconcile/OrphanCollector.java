package dev.berth.reconcile;

import dev.berth.base.SessionId;
import dev.berth.registry.SessionStore;
import dev.berth.runtime.Backends;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
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
 * registry entry, older than a grace period. Why they exist: a manager killed between making a
 * resource and recording it, a registry restored from an old backup, a delete that failed half way
 * and was never retried. Creates record the session (PENDING) before any resource is made, so a
 * resource being created right now always has a live entry and is never taken for an orphan; the
 * grace period covers clocks and resources whose age the backend cannot tell.
 *
 * <p>Removal goes through {@link SessionRuntime#destroy} with the session's id and labels, the same
 * path as a delete, so it finds everything of that session and nothing else.
 */
public final class OrphanCollector {
  private final SessionStore sessions;
  private final Backends backends;
  private final Clock clock;
  private final SessionGuard guard;

  /**
   * @param guard holds the session's lifecycle lock around the final check and the removal, so a
   *     create of the same id cannot interleave with them
   */
  public OrphanCollector(
      SessionStore sessions, Backends backends, Clock clock, SessionGuard guard) {
    this.sessions = sessions;
    this.backends = backends;
    this.clock = clock;
    this.guard = guard;
  }

  /** One orphaned session's resources on one backend, and what was done about them. */
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
      Map<String, List<OwnedResource>> bySession = new LinkedHashMap<>();
      for (OwnedResource r : runtime.listOwned()) {
        // Read as a session id: every session made today has its id as its handle (the registry
        // has no lookup by handle yet; warm pools, which bind other handles, will need one).
        bySession.computeIfAbsent(r.handle(), k -> new ArrayList<>()).add(r);
      }
      bySession.forEach(
          (session, resources) -> {
            if (isOrphan(backend, session, resources, cutoff)) {
              Optional<CleanupReport> cleanup =
                  dryRun
                      ? Optional.empty()
                      : Optional.of(remove(backend, runtime, session, resources));
              out.add(new Orphan(backend, session, resources, cleanup));
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
      String backend, String session, List<OwnedResource> resources, Instant cutoff) {
    boolean old =
        resources.stream().allMatch(r -> r.createdAt().map(t -> t.isBefore(cutoff)).orElse(true));
    if (!old) {
      return false;
    }
    Optional<SessionId> id = parse(session);
    return id.isEmpty()
        || sessions
            .find(id.get())
            .map(s -> s.status() == SessionStatus.DELETED || !s.backend().equals(backend))
            .orElse(true);
  }

  private CleanupReport remove(
      String backend, SessionRuntime runtime, String session, List<OwnedResource> resources) {
    Optional<SessionId> id = parse(session);
    if (id.isEmpty()) {
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
    return guard.exclusive(
        id.get(),
        () ->
            isOrphan(backend, session, resources, Instant.MAX)
                ? runtime.destroy(RuntimeSession.fresh(id.get(), template, Map.of()))
                : CleanupReport.empty());
  }

  private static Optional<SessionId> parse(String session) {
    try {
      return Optional.of(SessionId.of(session));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
