package dev.berth.cli;

import java.util.List;
import java.util.Locale;

/** The tables benchmarks print: min/median/p95 of a raw baseline and of Berth, and the target. */
final class BenchTable {
  private BenchTable() {}

  /** What a row must show to pass. */
  sealed interface Target {
    boolean met(double rawMedian, double berthMedian);

    String describe();
  }

  /** Berth's median at most this many times the raw median. */
  record RatioAtMost(double ratio) implements Target {
    @Override
    public boolean met(double rawMedian, double berthMedian) {
      return berthMedian / rawMedian <= ratio;
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "ratio <= %.2f", ratio);
    }
  }

  /** Berth's median at most this many milliseconds. */
  record BerthMedianAtMost(double millis) implements Target {
    @Override
    public boolean met(double rawMedian, double berthMedian) {
      return berthMedian <= millis;
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "berth median <= %.1f ms", millis);
    }
  }

  /** Berth's median at most this many milliseconds above the raw median (what Berth adds). */
  record AddedAtMost(double millis) implements Target {
    @Override
    public boolean met(double rawMedian, double berthMedian) {
      return berthMedian - rawMedian <= millis;
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "added <= %.1f ms", millis);
    }
  }

  record Row(String name, List<Double> raw, List<Double> berth, Target target) {}

  /** Milliseconds a piece of work took. */
  static double time(Runnable work) {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e6;
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, double p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static String render(List<Row> rows) {
    var out = new StringBuilder();
    out.append(
        "| operation | n | raw min | raw median | raw p95 | berth min | berth median | berth p95 |"
            + " ratio of medians | target |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      double rawMedian = percentile(r.raw(), 50);
      double berthMedian = percentile(r.berth(), 50);
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f | %s %s |%n",
              r.name(),
              r.raw().size(),
              percentile(r.raw(), 0),
              rawMedian,
              percentile(r.raw(), 95),
              percentile(r.berth(), 0),
              berthMedian,
              percentile(r.berth(), 95),
              berthMedian / rawMedian,
              r.target().describe(),
              r.target().met(rawMedian, berthMedian) ? "(met)" : "(NOT met)"));
    }
    return out.toString();
  }
}
