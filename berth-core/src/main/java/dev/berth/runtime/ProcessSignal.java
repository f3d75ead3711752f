package dev.berth.runtime;

import dev.berth.base.BerthException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The signals a client may send a started process; {@link StartedProcess#signal} delivers one to
 * the process and everything it started. Numbers are Linux's (the same on every backend Berth
 * runs).
 */
public enum ProcessSignal {
  HUP(1),
  INT(2),
  QUIT(3),
  KILL(9),
  USR1(10),
  USR2(12),
  TERM(15);

  private final int number;

  ProcessSignal(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  /** {@code TERM}, {@code SIGTERM}, {@code term} or {@code 15}; anything else is BAD_REQUEST. */
  public static ProcessSignal parse(String text) {
    String s = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    if (s.startsWith("SIG")) {
      s = s.substring(3);
    }
    for (ProcessSignal signal : values()) {
      if (signal.name().equals(s) || String.valueOf(signal.number).equals(s)) {
        return signal;
      }
    }
    throw BerthException.badRequest(
        "unknown signal '"
            + text
            + "': use one of "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }
}
