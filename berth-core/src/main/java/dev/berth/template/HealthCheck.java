package dev.berth.template;

import java.time.Duration;

/**
 * How a running session's probe is repeated after it first answered (see {@link HealthProbe} for
 * what is probed): every {@code interval}, each attempt given {@code timeout}; {@code
 * failureThreshold} failures in a row make the session unhealthy, and its restart policy applies.
 */
public record HealthCheck(Duration interval, Duration timeout, int failureThreshold) {
  public static final HealthCheck DEFAULT =
      new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(2), 3);
}
