package dev.berth.service;

import java.time.Duration;

/**
 * Bounds on work inside sessions, from the configuration.
 *
 * @param maxFileBytes the largest file read or written in one call
 * @param execTimeout the timeout when the caller gives none
 * @param execMaxTimeout the longest timeout a caller may ask for
 * @param execMaxOutputBytes how much of each output stream an exec returns
 */
public record WorkspaceLimits(
    long maxFileBytes, Duration execTimeout, Duration execMaxTimeout, int execMaxOutputBytes) {
  public static final WorkspaceLimits DEFAULTS =
      new WorkspaceLimits(64L << 20, Duration.ofSeconds(60), Duration.ofHours(1), 1 << 20);
}
