package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.session.SessionEvent;
import java.util.List;
import java.util.OptionalInt;

/**
 * The audit trails of the sessions that have held an id, one per incarnation (see {@link
 * SessionEvent#incarnation}). {@link SessionService#events} reads the current session's; this reads
 * any, for the admin who looks into a deleted session whose id was taken again. Callers authorize:
 * an earlier incarnation's trail is the admin's.
 */
public final class SessionTrails {
  private final Registry registry;

  SessionTrails(Registry registry) {
    this.registry = registry;
  }

  /**
   * Which incarnation of {@code id} its current (or last, deleted) session is; empty when no
   * session ever had the id.
   */
  public OptionalInt incarnation(SessionId id) {
    return registry.sessions().incarnation(id);
  }

  /**
   * One incarnation's trail, oldest first, after event id {@code afterId}: the current session's,
   * or an earlier, deleted one's. 404 for an id no session had, or a number it never had.
   */
  public List<SessionEvent> of(SessionId id, int incarnation, long afterId, int limit) {
    int current =
        incarnation(id).orElseThrow(() -> BerthException.notFound("no session '" + id + "'"));
    if (incarnation < 1 || incarnation > current) {
      throw BerthException.notFound(
          "session id '"
              + id
              + "' has no incarnation "
              + incarnation
              + ": it has 1 to "
              + current
              + ", and "
              + current
              + " is its current (or last) session");
    }
    return registry.events().of(id, incarnation, afterId, limit);
  }
}
