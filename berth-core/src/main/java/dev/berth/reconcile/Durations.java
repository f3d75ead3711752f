package dev.berth.reconcile;

import java.time.Duration;

/** Durations for people: "45 s", "2 min", "1 h 5 min", "3 d 4 h". */
public final class Durations {
  private Durations() {}

  public static String words(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    long m = s / 60;
    if (m < 60) {
      long rest = s % 60;
      return m + " min" + (m < 10 && rest > 0 ? " " + rest + " s" : "");
    }
    long h = m / 60;
    if (h < 24) {
      return h + " h" + (m % 60 > 0 ? " " + (m % 60) + " min" : "");
    }
    return (h / 24) + " d" + (h % 24 > 0 ? " " + (h % 24) + " h" : "");
  }
}
