package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.server.BerthServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "pools",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark a warm-pool hit against a cold create.",
      "Create-to-RUNNING through the REST API of a session with an app (busybox httpd, probed"
          + " over HTTP), made the cold way and taken from a full pool of "
          + PoolBench.SIZE
          + ", in one run; min/median/p95/p99.",
      "On docker (the default) or local (the app as a host process)."
    })
final class PoolsBench implements Runnable {
  @Option(names = "--reps", defaultValue = "50", description = "creates of each kind (default 50)")
  int reps;

  @Option(names = "--backend", defaultValue = "docker", description = "docker (default) or local")
  String backend;

  @Override
  public void run() {
    if (!backend.equals("docker") && !backend.equals("local")) {
      throw new CliException("--backend must be docker or local, not '" + backend + "'");
    }
    // Local apps run on the host, on the port Berth gives them in $PORT, at 127.0.0.1.
    String shell =
        backend.equals("local")
            ? "exec busybox httpd -f -p 127.0.0.1:$PORT -h ."
            : AppBaseline.SHELL;
    BenchHome scratch = BenchHome.make("berth-bench-pools-");
    Path home = scratch.dir();
    writeCold(home, shell);
    PoolBench.writeTemplate(home, shell, AppBaseline.PORT);
    String prefix = "benchp" + Long.toString(System.nanoTime() % 46656, 36);
    BerthConfig config =
        ConfigLoader.load(
            home,
            Map.of(),
            Map.of("port", "0", "backend", backend, "prefix", prefix),
            BackendProviders.installed().all());
    var quiet = new PrintStream(new ByteArrayOutputStream());
    try (scratch;
        BerthServer server = BerthServer.start(config, BackendProviders.installed(), quiet)) {
      try {
        measure(
            new BenchCommand.Api(server.url(), Files.readString(config.adminTokenFile()).strip()));
      } finally {
        server.sessions().pools().closeAndDrain(); // the bench's members go with it
      }
    } catch (IOException e) {
      throw new CliException("benchmark failed: " + e.getMessage());
    }
  }

  private void measure(BenchCommand.Api api) {
    api.create("warm", AppBaseline.TEMPLATE); // loads every code path once; not measured
    api.delete("warm");
    System.err.printf("measuring %d creates of each on %s...%n", reps, backend);
    List<Double> cold = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      String id = "c" + i;
      PoolBench.awaitFull(api); // the same quiet engine for both kinds
      cold.add(BenchTable.time(() -> api.create(id, AppBaseline.TEMPLATE)));
      api.delete(id);
    }
    List<Double> pooled = PoolBench.pooled(api, reps, "p");
    System.out.println(PoolBench.render(cold, pooled));
  }

  /** The same app without a pool, for the cold creates. */
  private static void writeCold(Path home, String shell) {
    try {
      Path dir = Files.createDirectories(home.resolve("templates").resolve(AppBaseline.TEMPLATE));
      Files.writeString(
          dir.resolve("template.yaml"),
          "description: bench app (busybox httpd)\nshell: "
              + shell
              + "\nports: ["
              + AppBaseline.PORT
              + "]\nprobe: {http: /, port: "
              + AppBaseline.PORT
              + ", startTimeout: 30s}\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
