package dev.berth.registry;

import dev.berth.base.SessionId;
import java.util.Optional;

/** A stored token (by hash): the admin's, or one that acts on a single session. */
public record TokenRecord(String hash, Kind kind, Optional<SessionId> sessionId) {
  public enum Kind {
    ADMIN,
    SESSION
  }
}
