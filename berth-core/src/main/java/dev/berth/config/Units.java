package dev.berth.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parses the human units used in berth.yaml and template.yaml: "90s", "30m", "512m", "2g". */
public final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)(k|ki|kb|m|mi|mb|g|gi|gb)?");

  private Units() {}

  /** "0", "250ms", "90s", "30m", "8h", "2d"; a bare number is seconds. */
  public static Duration parseDuration(String text) {
    var m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (use e.g. 90s, 30m, 8h, 2d or 0)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalStateException(unit);
    };
  }

  /** "1024", "512k", "512m", "2g" (binary multiples; "mi", "mb" accepted too). */
  public static long parseSize(String text) {
    var m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (use e.g. 1048576, 512k, 256m or 2g)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1);
    long factor =
        switch (unit) {
          case "" -> 1L;
          case "k" -> 1L << 10;
          case "m" -> 1L << 20;
          case "g" -> 1L << 30;
          default -> throw new IllegalStateException(unit);
        };
    return Math.multiplyExact(n, factor);
  }

  /** A short human form for messages and tables: "512 MiB", "3.2 KiB". */
  public static String formatSize(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int i = -1;
    while (value >= 1024 && i < units.length - 1) {
      value /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[i]);
  }
}
