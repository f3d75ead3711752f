package dev.berth.session;

import java.time.Instant;
import java.util.Optional;

/**
 * What the reconciler keeps about a session besides its status: what its owner wants, how many
 * restarts in a row it has had, and when the next one is due. Persisted, so a manager restart
 * neither forgets a pending restart nor resets the backoff.
 *
 * @param desired what the owner last asked for
 * @param restarts restarts in a row since the session last ran healthy for a while
 * @param nextRestartAt when a FAILED session is to be restarted; empty: it will not be
 */
public record SessionLifecycle(
    DesiredState desired, int restarts, Optional<Instant> nextRestartAt) {
  public static final SessionLifecycle RUNNING =
      new SessionLifecycle(DesiredState.RUNNING, 0, Optional.empty());

  public static SessionLifecycle wanting(DesiredState desired) {
    return new SessionLifecycle(desired, 0, Optional.empty());
  }

  /** The owner asked again: a fresh restart count and no restart pending. */
  public SessionLifecycle want(DesiredState next) {
    return new SessionLifecycle(next, 0, Optional.empty());
  }

  public SessionLifecycle withRestartAt(Optional<Instant> at) {
    return new SessionLifecycle(desired, restarts, at);
  }

  public SessionLifecycle restarted() {
    return new SessionLifecycle(desired, restarts + 1, Optional.empty());
  }

  public SessionLifecycle resetRestarts() {
    return new SessionLifecycle(desired, 0, nextRestartAt);
  }
}
