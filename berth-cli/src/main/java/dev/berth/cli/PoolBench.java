package dev.berth.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The warm-pool table of {@code berth bench docker} and {@code berth bench pools}:
 * create-to-RUNNING through the REST API of the same app, made the cold way and taken from a full
 * pool, in one run. Each pooled create waits first until the pool is full again (untimed), so every
 * one is a hit.
 */
final class PoolBench {
  static final String TEMPLATE = "benchpool";
  static final int SIZE = 3;

  /** The goals of issue 19 for a pool hit through the REST API. */
  private static final double P50_GOAL_MS = 20;

  private static final double P99_GOAL_MS = 50;

  private PoolBench() {}

  /** The app template with a pool: {@code shell} the app's command line, on {@code port}. */
  static void writeTemplate(Path home, String shell, int port) {
    try {
      Path dir = Files.createDirectories(home.resolve("templates").resolve(TEMPLATE));
      Files.writeString(
          dir.resolve("template.yaml"),
          "description: bench app with a warm pool\n"
              + "shell: "
              + shell
              + "\nports: ["
              + port
              + "]\nprobe: {http: /, port: "
              + port
              + ", startTimeout: 30s}\npool: {size: "
              + SIZE
              + "}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pooled creates, each from a full pool; fails if one was made the cold way. */
  static List<Double> pooled(BenchCommand.Api api, int reps, String idPrefix) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      awaitFull(api);
      String id = idPrefix + i;
      String[] answer = new String[1];
      out.add(BenchTable.time(() -> answer[0] = api.create(id, TEMPLATE)));
      if (!ApiClient.JSON.readTree(answer[0]).path("pooled").asBoolean(false)) {
        throw new CliException("create " + id + " was not served from the pool: " + answer[0]);
      }
      api.delete(id);
    }
    return out;
  }

  /** Polls the pools until this one has every member ready (refills take hundreds of ms). */
  static void awaitFull(BenchCommand.Api api) {
    long end = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < end) {
      for (JsonNode p : ApiClient.JSON.readTree(api.get("/api/v1/pools"))) {
        if (p.get("template").asString().equals(TEMPLATE)) {
          if (p.get("ready").asInt() == SIZE) {
            return;
          }
          if (p.hasNonNull("problem")) {
            throw new CliException("the bench pool does not fill: " + p.get("problem").asString());
          }
        }
      }
      try {
        Thread.sleep(10); // a poll of the API: the pool gives no event for "full"
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }
    throw new CliException("the bench pool was not full within 120 s");
  }

  /** | path | n | min | median | p95 | p99 | target |, cold and pooled. */
  static String render(List<Double> cold, List<Double> pooled) {
    var out = new StringBuilder();
    out.append(
        "| create-to-RUNNING, app | n | min | median | p95 | p99 | target |\n"
            + "|---|---|---|---|---|---|---|\n");
    out.append(row("cold (made on request)", cold, "(reference)"));
    double p50 = BenchTable.percentile(pooled, 50);
    double p99 = BenchTable.percentile(pooled, 99);
    out.append(
        row(
            "pooled (a ready member)",
            pooled,
            String.format(
                Locale.ROOT,
                "p50 <= %.0f ms, p99 <= %.0f ms %s",
                P50_GOAL_MS,
                P99_GOAL_MS,
                p50 <= P50_GOAL_MS && p99 <= P99_GOAL_MS ? "(met)" : "(NOT met)")));
    out.append(
        String.format(
            Locale.ROOT,
            "pooled median is %.1f%% of cold%n",
            100 * p50 / BenchTable.percentile(cold, 50)));
    return out.toString();
  }

  private static String row(String name, List<Double> v, String target) {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s |%n",
        name,
        v.size(),
        BenchTable.percentile(v, 0),
        BenchTable.percentile(v, 50),
        BenchTable.percentile(v, 95),
        BenchTable.percentile(v, 99),
        target);
  }
}
