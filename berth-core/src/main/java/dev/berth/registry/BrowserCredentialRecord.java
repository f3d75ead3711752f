package dev.berth.registry;

import dev.berth.base.SessionId;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored browser credential (by hash).
 *
 * @param sessionId the one session it opens; empty only for an admin's dashboard login
 * @param admin whether it was issued to the admin (a proxy page then offers admin actions)
 */
public record BrowserCredentialRecord(
    String hash, Kind kind, Optional<SessionId> sessionId, boolean admin, Instant expiresAt) {
  public enum Kind {
    /** A one-time login link into one session's proxy; gone once used. */
    LINK,
    /** The cookie that opens one session's proxy. */
    PROXY,
    /** The dashboard's login, sent to the REST API. */
    DASHBOARD
  }
}
