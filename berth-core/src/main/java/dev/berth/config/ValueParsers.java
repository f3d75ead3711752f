package dev.berth.config;

import java.util.List;

/**
 * Parsers for values every part of the configuration uses, for {@link BackendSettings#parse} and
 * the loader alike; each throws IllegalArgumentException with the words an error shows after the
 * value ({@code must be true or false}).
 */
public final class ValueParsers {
  private ValueParsers() {}

  public static String oneOf(String v, String... allowed) {
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException("must be one of " + List.of(allowed));
  }

  public static String nonBlank(String v) {
    if (v.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return v;
  }

  public static boolean bool(String v) {
    return switch (v.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }
}
