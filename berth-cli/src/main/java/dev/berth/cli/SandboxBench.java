package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.server.BerthServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What gVisor costs: the same operations through Berth's REST API on a runc session and on a gVisor
 * session ({@code sandbox: gvisor}), interleaved in one run so both see the same machine noise.
 * Prints min/median/p95 of each and the ratio of the medians; compare ratios, not absolute numbers.
 */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark gVisor sessions against runc sessions on Docker.",
      "Through Berth's REST API, interleaved in one run: create-to-ready, exec `true`,"
          + " write 4 KiB, read it back, delete; and idle memory. Needs an engine with the"
          + " runsc runtime (docs/docker.md)."
    })
final class SandboxBench implements Runnable {
  private static final List<String> SANDBOXES = List.of("runc", "gvisor");
  private static final List<String> OPERATIONS =
      List.of("create-to-ready", "exec true", "write 4 KiB", "read 4 KiB", "delete");

  @Option(names = "--reps", defaultValue = "15", description = "repetitions of each (default 15)")
  int reps;

  @Override
  public void run() {
    BenchHome scratch = BenchHome.make("berth-bench-sandbox-");
    Path home = scratch.dir();
    try {
      for (String sandbox : SANDBOXES) {
        Path t = Files.createDirectories(home.resolve("templates").resolve(sandbox));
        Files.writeString(t.resolve("template.yaml"), "sandbox: " + sandbox + "\n");
      }
    } catch (IOException e) {
      scratch.close();
      throw new CliException("cannot write the benchmark's templates: " + e.getMessage());
    }
    String prefix = "bsbx" + Long.toString(System.nanoTime() % 46656, 36);
    BerthConfig config =
        ConfigLoader.load(
            home,
            Map.of(),
            Map.of("port", "0", "backend", "docker", "prefix", prefix),
            BackendProviders.installed().all());
    var quiet = new PrintStream(new ByteArrayOutputStream());
    try (scratch;
        BerthServer server = BerthServer.start(config, BackendProviders.installed(), quiet)) {
      var api = new Api(server.url(), Files.readString(config.adminTokenFile()).strip());
      Map<String, Map<String, List<Double>>> times = new LinkedHashMap<>();
      Map<String, List<Double>> idleMiB = new LinkedHashMap<>();
      for (String sandbox : SANDBOXES) {
        times.put(sandbox, new LinkedHashMap<>());
        OPERATIONS.forEach(op -> times.get(sandbox).put(op, new ArrayList<>()));
        idleMiB.put(sandbox, new ArrayList<>());
        // Warm-up: builds the default image and loads every code path once; not measured.
        once(api, sandbox, "warm-" + sandbox, null, null);
      }
      System.err.printf("measuring %d repetitions of each, runc and gVisor interleaved...%n", reps);
      for (int i = 0; i < reps; i++) {
        for (String sandbox : SANDBOXES) {
          once(api, sandbox, sandbox.charAt(0) + "-" + i, times.get(sandbox), idleMiB.get(sandbox));
        }
        if ((i + 1) % 5 == 0) {
          System.err.printf("  %d/%d%n", i + 1, reps);
        }
      }
      System.out.println(render(times, idleMiB));
    } catch (IOException e) {
      throw new CliException("benchmark failed: " + e.getMessage());
    }
  }

  /** One session's life: each operation timed into {@code into} (null: a warm-up, not kept). */
  private static void once(
      Api api, String sandbox, String id, Map<String, List<Double>> into, List<Double> idleMiB) {
    byte[] four = new byte[4096];
    Map<String, Double> t = new LinkedHashMap<>();
    t.put(
        "create-to-ready",
        BenchTable.time(
            () ->
                api.call(
                    "POST",
                    "/api/v1/sessions",
                    "{\"id\":\"" + id + "\",\"template\":\"" + sandbox + "\"}",
                    201)));
    t.put(
        "exec true",
        BenchTable.time(
            () ->
                api.call(
                    "POST", "/api/v1/sessions/" + id + "/exec", "{\"command\":[\"true\"]}", 200)));
    t.put(
        "write 4 KiB",
        BenchTable.time(() -> api.put("/api/v1/sessions/" + id + "/files/bench.bin", four, 201)));
    t.put(
        "read 4 KiB",
        BenchTable.time(
            () -> api.call("GET", "/api/v1/sessions/" + id + "/files/bench.bin", null, 200)));
    if (idleMiB != null) {
      idleMemoryMiB(api.containerOf(id)).ifPresent(idleMiB::add);
    }
    t.put("delete", BenchTable.time(() -> api.call("DELETE", "/api/v1/sessions/" + id, null, 200)));
    if (into != null) {
      t.forEach((op, ms) -> into.get(op).add(ms));
    }
  }

  /**
   * What the container's memory cgroup holds now (the app, and for gVisor its kernel too), when
   * Berth runs on the engine's host; empty where the cgroup cannot be read (a remote engine).
   */
  private static java.util.Optional<Double> idleMemoryMiB(String containerId) {
    for (Path p :
        List.of(
            Path.of("/sys/fs/cgroup/memory/docker", containerId, "memory.usage_in_bytes"),
            Path.of(
                "/sys/fs/cgroup/system.slice",
                "docker-" + containerId + ".scope",
                "memory.current"))) {
      try {
        return java.util.Optional.of(Long.parseLong(Files.readString(p).strip()) / 1048576.0);
      } catch (IOException | NumberFormatException e) {
        // not this cgroup layout: try the next
      }
    }
    return java.util.Optional.empty();
  }

  static String render(
      Map<String, Map<String, List<Double>>> times, Map<String, List<Double>> idleMiB) {
    var out = new StringBuilder();
    out.append(
        "| operation | n | runc min | runc median | runc p95 | gVisor min | gVisor median |"
            + " gVisor p95 | ratio of medians |\n|---|---|---|---|---|---|---|---|---|\n");
    for (String op : OPERATIONS) {
      row(out, op, "ms", times.get("runc").get(op), times.get("gvisor").get(op));
    }
    if (!idleMiB.get("runc").isEmpty() && !idleMiB.get("gvisor").isEmpty()) {
      row(out, "idle memory (cgroup)", "MiB", idleMiB.get("runc"), idleMiB.get("gvisor"));
    }
    return out.toString();
  }

  private static void row(
      StringBuilder out, String op, String unit, List<Double> a, List<Double> b) {
    double am = BenchTable.percentile(a, 50);
    double bm = BenchTable.percentile(b, 50);
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %.1f %s | %.1f %s | %.1f %s | %.1f %s | %.1f %s | %.1f %s | %.2f |%n",
            op,
            a.size(),
            BenchTable.percentile(a, 0),
            unit,
            am,
            unit,
            BenchTable.percentile(a, 95),
            unit,
            BenchTable.percentile(b, 0),
            unit,
            bm,
            unit,
            BenchTable.percentile(b, 95),
            unit,
            bm / am));
  }

  /** Just enough of the REST API, with errors that stop the benchmark. */
  private record Api(String url, String token) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    String call(String method, String path, String body, int expected) {
      return send(
          method,
          path,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body),
          body == null ? null : "application/json",
          expected);
    }

    void put(String path, byte[] bytes, int expected) {
      send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(bytes), null, expected);
    }

    /** The session's container id, as its view reports it (for reading its memory). */
    String containerOf(String id) {
      String view = call("GET", "/api/v1/sessions/" + id, null, 200);
      var m =
          java.util.regex.Pattern.compile("\"containerId\"\\s*:\\s*\"([0-9a-f]{64})\"")
              .matcher(view);
      return m.find() ? m.group(1) : "";
    }

    private String send(
        String method, String path, HttpRequest.BodyPublisher body, String type, int expected) {
      var b =
          HttpRequest.newBuilder(URI.create(url + path))
              .header("Authorization", "Bearer " + token)
              .method(method, body);
      if (type != null) {
        b.header("Content-Type", type);
      }
      try {
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected || r.body().contains("\"FAILED\"")) {
          throw new CliException(
              method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
      } catch (IOException e) {
        throw new CliException(method + " " + path + " failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }
  }
}
