package dev.berth.template;

import dev.berth.config.StrictObject;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the {@link LifetimeSettings} keys: {@code idleTimeout}, {@code maxLifetime}, {@code
 * cullAction} and {@code restart} (each of its fields inherited separately).
 */
final class LifetimeParser {
  private LifetimeParser() {}

  static Overlay<LifetimeSettings> read(TemplateYaml t) {
    var y = t.keys();
    Optional<Duration> idleTimeout = y.duration("idleTimeout");
    Optional<Duration> maxLifetime = y.duration("maxLifetime");
    Optional<RawRestart> restart = y.object("restart").map(r -> restart(t, r));
    Optional<CullAction> cullAction = y.string("cullAction").flatMap(a -> cullAction(t, a));
    return base ->
        new LifetimeSettings(
            idleTimeout.orElse(base.idleTimeout()),
            maxLifetime.orElse(base.maxLifetime()),
            cullAction.orElse(base.cullAction()),
            restart.map(r -> r.onto(base.restart())).orElse(base.restart()));
  }

  private static Optional<CullAction> cullAction(TemplateYaml t, String text) {
    try {
      return Optional.of(CullAction.parse(text));
    } catch (IllegalArgumentException e) {
      t.error("'cullAction' " + e.getMessage());
      return Optional.empty();
    }
  }

  private static RawRestart restart(TemplateYaml t, StrictObject r) {
    var raw = new RawRestart();
    raw.mode = r.string("policy").flatMap(text -> mode(t, text));
    raw.limit = r.integer("limit", 0, 10_000);
    raw.backoff = r.duration("backoff");
    raw.maxBackoff = r.duration("maxBackoff");
    r.checkNoUnknownKeys();
    if (raw.backoff.filter(Duration::isZero).isPresent()) {
      t.error("restart 'backoff' must be more than 0");
    }
    return raw;
  }

  private static Optional<RestartPolicy.Mode> mode(TemplateYaml t, String text) {
    return switch (text) {
      case "on-failure" -> Optional.of(RestartPolicy.Mode.ON_FAILURE);
      case "always" -> Optional.of(RestartPolicy.Mode.ALWAYS);
      case "never" -> Optional.of(RestartPolicy.Mode.NEVER);
      default -> {
        t.error("restart 'policy' must be on-failure, always or never (got '" + text + "')");
        yield Optional.empty();
      }
    };
  }

  /** A template's {@code restart:} as written: empty fields come from the parent. */
  private static final class RawRestart {
    Optional<RestartPolicy.Mode> mode = Optional.empty();
    Optional<Integer> limit = Optional.empty();
    Optional<Duration> backoff = Optional.empty();
    Optional<Duration> maxBackoff = Optional.empty();

    RestartPolicy onto(RestartPolicy base) {
      Duration b = backoff.orElse(base.backoff());
      Duration max = maxBackoff.orElse(base.maxBackoff());
      return new RestartPolicy(
          mode.orElse(base.mode()), limit.orElse(base.limit()), b, max.compareTo(b) < 0 ? b : max);
    }
  }
}
