package dev.berth.session;

import dev.berth.base.BerthException;
import java.util.EnumSet;
import java.util.Set;

/**
 * A session's lifecycle status. The allowed moves are written here once; {@link
 * #checkTransition(SessionStatus)} refuses every other one so that no edge or background loop can
 * put a session into a state it could not reach.
 */
public enum SessionStatus {
  /** Recorded in the registry; resources are being made. */
  PENDING,
  /** Resources exist; the app is being started and probed. */
  STARTING,
  /** The app answered its readiness probe (or the session has no app). */
  RUNNING,
  /** A stop is under way. */
  STOPPING,
  /** Nothing runs; the workspace is kept. Warmed sessions start here too. */
  STOPPED,
  /** Something went wrong; the reason is in the session's status reason and events. */
  FAILED,
  /** Everything the session owned was removed. Terminal. */
  DELETED;

  public boolean isLive() {
    return this != DELETED;
  }

  public Set<SessionStatus> allowedNext() {
    return switch (this) {
      case PENDING -> EnumSet.of(STARTING, STOPPED, FAILED, DELETED);
      case STARTING -> EnumSet.of(RUNNING, STOPPING, FAILED, DELETED);
      case RUNNING -> EnumSet.of(STOPPING, FAILED, DELETED);
      case STOPPING -> EnumSet.of(STOPPED, FAILED, DELETED);
      case STOPPED -> EnumSet.of(STARTING, FAILED, DELETED);
      case FAILED -> EnumSet.of(STARTING, STOPPING, STOPPED, FAILED, DELETED);
      case DELETED -> EnumSet.noneOf(SessionStatus.class);
    };
  }

  public boolean canMoveTo(SessionStatus next) {
    return allowedNext().contains(next);
  }

  /** Throws a 409 naming both states and the allowed moves when {@code next} is not allowed. */
  public void checkTransition(SessionStatus next) {
    if (!canMoveTo(next)) {
      throw BerthException.conflict(
          "a "
              + name()
              + " session cannot become "
              + next
              + (allowedNext().isEmpty() ? " (it is final)" : "; allowed: " + allowedNext()));
    }
  }
}
