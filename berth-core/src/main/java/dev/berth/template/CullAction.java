package dev.berth.template;

import java.util.Locale;

/** What happens to a session that was idle too long or outlived its maximum lifetime. */
public enum CullAction {
  /** Stop its processes and keep the workspace; it can be started again. */
  STOP,
  /** Remove everything it owns, as a delete does (with a receipt in its events). */
  DELETE;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code stop} or {@code delete}; a clear error for anything else. */
  public static CullAction parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "stop" -> STOP;
      case "delete" -> DELETE;
      default ->
          throw new IllegalArgumentException("must be 'stop' or 'delete' (got '" + text + "')");
    };
  }
}
