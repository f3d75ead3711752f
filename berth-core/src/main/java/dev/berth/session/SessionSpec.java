package dev.berth.session;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import java.time.Instant;
import java.util.Map;

/**
 * What was asked for a session when it was created. A value: nothing observed of the session ever
 * changes it; a migration makes a new one on another backend.
 *
 * @param handle what the runtime names the session's resources from (containers, volumes, pods).
 *     Kept by the registry apart from the id, so that a workspace prepared under one handle can
 *     later be bound to a session; for every session created directly it is the id's value, and the
 *     names are the ones derived from the id. DNS-label safe, by the id's rule.
 * @param labels the owner's labels, for filtering
 * @param culling the session's own idle timeout, max lifetime and cull action, if any
 */
public record SessionSpec(
    SessionId id,
    String handle,
    String template,
    String backend,
    Map<String, String> labels,
    CullSettings culling,
    Instant createdAt) {
  public SessionSpec {
    // The id's rule: a handle names the same resources an id does.
    if (!SessionId.isValid(handle)) {
      throw BerthException.badRequest(
          "invalid session handle "
              + (handle == null ? "(none)" : "'" + handle + "'")
              + ": must be "
              + SessionId.RULE);
    }
    labels = Map.copyOf(labels);
  }

  /** The spec of a session created directly: its handle is its id. */
  public static SessionSpec of(
      SessionId id,
      String template,
      String backend,
      Map<String, String> labels,
      CullSettings culling,
      Instant createdAt) {
    return new SessionSpec(id, id.value(), template, backend, labels, culling, createdAt);
  }

  /** The same session asked on another backend (a migration). */
  public SessionSpec onBackend(String newBackend) {
    return new SessionSpec(id, handle, template, newBackend, labels, culling, createdAt);
  }

  public SessionSpec withCulling(CullSettings next) {
    return new SessionSpec(id, handle, template, backend, labels, next, createdAt);
  }
}
