package dev.berth.reconcile;

import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionStatus;
import dev.berth.template.CullAction;
import dev.berth.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a session is due to be culled, and how: the one computation behind both the reconciler's
 * decision ({@link Decide}) and the explanation a user reads ({@link SessionLife}), so the two can
 * never disagree about when a session goes.
 *
 * @param idleTimeout the session's idle timeout (zero: none)
 * @param idleAt when it is culled for idleness unless used; only for a RUNNING session
 * @param maxLifetime its max lifetime (zero: none)
 * @param endsAt when it reaches its max lifetime
 * @param action what culling does
 */
public record CullSchedule(
    Duration idleTimeout,
    Optional<Instant> idleAt,
    Duration maxLifetime,
    Optional<Instant> endsAt,
    CullAction action) {

  /** The schedule of {@code s} (its own settings over its template's), given its last use. */
  public static CullSchedule of(Session s, Template t, SessionActivity lastUse) {
    Duration idle = s.culling().idleTimeoutOr(t);
    Duration max = s.culling().maxLifetimeOr(t);
    Optional<Instant> idleAt =
        !idle.isZero() && s.status() == SessionStatus.RUNNING
            ? Optional.of(lastUse.at().plus(idle))
            : Optional.empty();
    Optional<Instant> endsAt =
        max.isZero() ? Optional.empty() : Optional.of(s.createdAt().plus(max));
    return new CullSchedule(idle, idleAt, max, endsAt, s.culling().actionOr(t));
  }

  /** Idle for its whole timeout at {@code now}. */
  public boolean idleDue(Instant now) {
    return idleAt.map(at -> !now.isBefore(at)).orElse(false);
  }

  /** At or past its max lifetime at {@code now}. */
  public boolean lifetimeDue(Instant now) {
    return endsAt.map(at -> !now.isBefore(at)).orElse(false);
  }
}
