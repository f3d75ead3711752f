package dev.berth.session;

import dev.berth.base.BerthException;
import dev.berth.template.CullAction;
import dev.berth.template.Template;
import java.time.Duration;
import java.util.Optional;

/**
 * A session's own idle timeout, max lifetime and cull action, where it overrides its template's.
 * Zero durations mean "never".
 */
public record CullSettings(
    Optional<Duration> idleTimeout, Optional<Duration> maxLifetime, Optional<CullAction> action) {
  public static final CullSettings NONE =
      new CullSettings(Optional.empty(), Optional.empty(), Optional.empty());

  public CullSettings {
    idleTimeout.filter(Duration::isNegative).ifPresent(d -> reject("idleTimeout", d));
    maxLifetime.filter(Duration::isNegative).ifPresent(d -> reject("maxLifetime", d));
  }

  private static void reject(String what, Duration d) {
    throw BerthException.badRequest(what + " must not be negative (got " + d + ")");
  }

  public Duration idleTimeoutOr(Template t) {
    return idleTimeout.orElse(t.lifetime().idleTimeout());
  }

  public Duration maxLifetimeOr(Template t) {
    return maxLifetime.orElse(t.lifetime().maxLifetime());
  }

  public CullAction actionOr(Template t) {
    return action.orElse(t.lifetime().cullAction());
  }
}
