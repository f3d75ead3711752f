package dev.berth.service;

import dev.berth.auth.SessionTokenGuard;
import dev.berth.base.SessionId;
import dev.berth.registry.SessionStore;
import dev.berth.runtime.Backends;
import java.util.Optional;

/**
 * Refuses a session's token when the session's backend says its tokens cannot isolate ({@link
 * dev.berth.runtime.SessionRuntime#sessionTokenRefusal}). A session on a backend that is no longer
 * configured is left to the call itself, which fails on the missing backend.
 */
public final class BackendTokenGuard implements SessionTokenGuard {
  private final SessionStore sessions;
  private final Backends backends;

  public BackendTokenGuard(SessionStore sessions, Backends backends) {
    this.sessions = sessions;
    this.backends = backends;
  }

  @Override
  public Optional<String> refusal(SessionId id) {
    return sessions
        .find(id)
        .filter(s -> backends.names().contains(s.backend()))
        .flatMap(s -> backends.get(s.backend()).sessionTokenRefusal());
  }
}
