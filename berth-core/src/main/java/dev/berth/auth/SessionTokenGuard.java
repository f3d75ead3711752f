package dev.berth.auth;

import dev.berth.base.SessionId;
import java.util.Optional;

/**
 * Whether a session token may act on its session at all: a backend whose sessions can read Berth's
 * own files (local) cannot keep a token to its session, so such tokens are refused at every edge
 * that takes tokens (REST, MCP, the dashboard's and the proxy's logins). Asked by {@link
 * Tokens#authenticate} for every session token.
 */
@FunctionalInterface
public interface SessionTokenGuard {
  /** Every session token may act. */
  SessionTokenGuard NONE = id -> Optional.empty();

  /** Why the token of session {@code id} is refused, saying how to allow it; empty: it is not. */
  Optional<String> refusal(SessionId id);
}
