package dev.berth.session;

import java.util.Optional;

/**
 * A session just made, and its session token to show once: null when its backend gives none ({@code
 * noToken} says why and how to allow it; see {@code SessionRuntime#sessionTokenRefusal}).
 *
 * @param pooled true when the session took a ready member of its template's warm pool, false when
 *     it was made the cold way
 */
public record CreatedSession(
    Session session, String token, Optional<String> noToken, boolean pooled) {
  public CreatedSession(Session session, String token, Optional<String> noToken) {
    this(session, token, noToken, false);
  }

  public CreatedSession(Session session, String token) {
    this(session, token, Optional.empty());
  }
}
