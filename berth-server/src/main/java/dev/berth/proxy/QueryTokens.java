package dev.berth.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code token} query parameter when it carries a Berth credential (a token or a login link's
 * code, both start with {@code berth_}). An app's own {@code ?token=} (Jupyter has one) is left to
 * the app; Berth's never reaches it. Works on the raw query so a form body is never read.
 */
final class QueryTokens {
  private QueryTokens() {}

  /** The first Berth credential in {@code ?token=}, or null. */
  static String berthToken(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      String value = berthValue(pair);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The raw query without Berth's {@code token} parameters; "" when nothing is left. */
  static String withoutBerthTokens(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String> kept = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (!pair.isEmpty() && berthValue(pair) == null) {
        kept.add(pair);
      }
    }
    return String.join("&", kept);
  }

  private static String berthValue(String pair) {
    int eq = pair.indexOf('=');
    if (eq < 0 || !decode(pair.substring(0, eq)).equals("token")) {
      return null;
    }
    String value = decode(pair.substring(eq + 1));
    return value.startsWith("berth_") ? value : null;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a malformed escape is not a Berth token
    }
  }
}
