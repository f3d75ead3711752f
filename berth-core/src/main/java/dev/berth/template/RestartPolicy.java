package dev.berth.template;

import java.time.Duration;

/**
 * What the reconciler does when a running session's app exits, is lost, or fails its health probe:
 * restart it after an exponential backoff ({@code backoff}, doubled per restart up to {@code
 * maxBackoff}), at most {@code limit} times in a row; after that the session stays FAILED with the
 * reason. A session that stays healthy for {@link #RESET_AFTER} starts a new count.
 *
 * @param mode when to restart
 * @param limit restarts in a row before giving up (0: never restart)
 * @param backoff the wait before the first restart
 * @param maxBackoff the longest wait between restarts
 */
public record RestartPolicy(Mode mode, int limit, Duration backoff, Duration maxBackoff) {
  /** How long a session must run healthy before its restart count starts over. */
  public static final Duration RESET_AFTER = Duration.ofMinutes(10);

  public static final RestartPolicy DEFAULT =
      new RestartPolicy(Mode.ON_FAILURE, 5, Duration.ofSeconds(1), Duration.ofMinutes(1));

  public enum Mode {
    /** Restart unless the app ended on its own with exit code 0. */
    ON_FAILURE,
    /** Restart whenever the app is not running. */
    ALWAYS,
    /** Never restart; the session goes FAILED. */
    NEVER;

    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** Whether an app that ended (with {@code exitCode} when known) is to be restarted at all. */
  public boolean restarts(java.util.OptionalInt exitCode) {
    return switch (mode) {
      case NEVER -> false;
      case ALWAYS -> true;
      case ON_FAILURE -> exitCode.isEmpty() || exitCode.getAsInt() != 0;
    };
  }

  /** The wait before restart number {@code done + 1}: backoff * 2^done, at most maxBackoff. */
  public Duration delay(int done) {
    Duration d = backoff;
    for (int i = 0; i < done && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
