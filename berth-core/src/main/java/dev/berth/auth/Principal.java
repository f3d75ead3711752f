package dev.berth.auth;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;

/** Who is calling: the admin, or the holder of one session's token. */
public sealed interface Principal {

  /** True when this principal may act on {@code id}. */
  boolean canAccess(SessionId id);

  /**
   * Refuses access to another session's resources with a 404, exactly as for a session that does
   * not exist, so a session token cannot learn which other sessions exist.
   */
  default void checkAccess(SessionId id) {
    if (!canAccess(id)) {
      throw BerthException.notFound("no session '" + id + "'");
    }
  }

  /** Refuses admin-only operations (create, list all, gc...) to session tokens with a 403. */
  default void checkAdmin(String what) {
    if (!(this instanceof Admin)) {
      throw new BerthException(
          ErrorCode.FORBIDDEN,
          what + " needs the admin token; a session token acts on its session");
    }
  }

  /**
   * Refuses, with a 403, a session token acting on another session's credentials: the admin may,
   * and a session token on its own session. Whether {@code id} exists is not looked at, so nothing
   * is learnt about other sessions.
   */
  default void checkSelfOrAdmin(SessionId id, String what) {
    if (!canAccess(id)) {
      throw new BerthException(
          ErrorCode.FORBIDDEN,
          what + " of another session needs the admin token; a session token acts on its session");
    }
  }

  record Admin() implements Principal {
    @Override
    public boolean canAccess(SessionId id) {
      return true;
    }
  }

  record SessionScoped(SessionId sessionId) implements Principal {
    @Override
    public boolean canAccess(SessionId id) {
      return sessionId.equals(id);
    }
  }
}
