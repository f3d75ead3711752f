package dev.berth.session;

import java.util.Optional;

/**
 * A session just made, and its session token to show once: null when its backend gives none ({@code
 * noToken} says why and how to allow it; see {@code SessionRuntime#sessionTokenRefusal}).
 */
public record CreatedSession(Session session, String token, Optional<String> noToken) {
  public CreatedSession(Session session, String token) {
    this(session, token, Optional.empty());
  }
}
