package dev.berth.cli;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmarks Berth against the raw Engine API in one run, interleaving the two so both see the same
 * machine noise. Prints medians and their ratio; compare ratios, not absolute numbers.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (print tables of min/median/p95 and ratios against a raw baseline).",
    subcommands = {
      BenchCommand.Docker.class,
      McpBench.class,
      PoolsBench.class,
      ProcessesBench.class,
      ProxyBench.class,
      SandboxBench.class
    })
final class BenchCommand {

  @Command(
      name = "docker",
      mixinStandardHelpOptions = true,
      description = {
        "Benchmark session create-to-ready and teardown: Berth's REST API vs the raw"
            + " Engine API.",
        "Raw: volume create + container create + start + first exec; rm -f + volume rm.",
        "Berth: POST /api/v1/sessions (RUNNING) and DELETE (receipt), same image.",
        "With an app: busybox httpd probed over HTTP, against the same container started by"
            + " hand and polled until it answers: on the default bridge, and with Berth's"
            + " isolation (its network, capabilities dropped, no new privileges).",
        "Then the same app from a warm pool: create-to-RUNNING of pool hits."
      })
  static final class Docker implements Runnable {
    @Option(names = "--reps", defaultValue = "30", description = "repetitions of each (default 30)")
    int reps;

    @Override
    public void run() {
      BenchHome scratch = BenchHome.make("berth-bench-");
      Path home = scratch.dir();
      AppBaseline.writeTemplate(home);
      String prefix = "bench" + Long.toString(System.nanoTime() % 46656, 36);
      BerthConfig config =
          ConfigLoader.load(
              home,
              Map.of(),
              Map.of("port", "0", "backend", "docker", "prefix", prefix),
              BackendProviders.installed().all());
      var quiet = new PrintStream(new ByteArrayOutputStream());
      try (scratch;
          BerthServer server = BerthServer.start(config, BackendProviders.installed(), quiet);
          DockerClient docker = rawClient()) {
        var api = new Api(server.url(), Files.readString(config.adminTokenFile()).strip());
        // Warm-up: builds the default image and loads every code path once; not measured.
        api.create("warm");
        api.delete("warm");
        api.create("warmapp", AppBaseline.TEMPLATE);
        api.delete("warmapp");
        String image = prefix + "/default:latest";
        List<Double> rawUp = new ArrayList<>();
        List<Double> rawDown = new ArrayList<>();
        List<Double> berthUp = new ArrayList<>();
        List<Double> berthDown = new ArrayList<>();
        List<Double> rawAppUp = new ArrayList<>();
        List<Double> berthAppUp = new ArrayList<>();
        List<Double> isolatedAppUp = new ArrayList<>();
        System.err.printf("measuring %d repetitions of each...%n", reps);
        for (int i = 0; i < reps; i++) {
          String name = prefix + "-raw-" + i;
          rawUp.add(BenchTable.time(() -> rawCreate(docker, image, name)));
          rawDown.add(BenchTable.time(() -> rawRemove(docker, name)));
          String id = "b" + i;
          berthUp.add(BenchTable.time(() -> api.create(id)));
          berthDown.add(BenchTable.time(() -> api.delete(id)));
          String app = prefix + "-rawapp-" + i;
          rawAppUp.add(BenchTable.time(() -> AppBaseline.create(docker, image, app)));
          rawRemove(docker, app);
          String isolated = prefix + "-rawiso-" + i;
          isolatedAppUp.add(
              BenchTable.time(() -> AppBaseline.create(docker, image, isolated, prefix + "-net")));
          rawRemove(docker, isolated);
          String appId = "a" + i;
          berthAppUp.add(BenchTable.time(() -> api.create(appId, AppBaseline.TEMPLATE)));
          api.delete(appId);
          if ((i + 1) % 10 == 0) {
            System.err.printf("  %d/%d%n", i + 1, reps);
          }
        }
        System.out.println(
            BenchTable.render(
                List.of(
                    new BenchTable.Row(
                        "create-to-ready", rawUp, berthUp, new BenchTable.RatioAtMost(1.15)),
                    new BenchTable.Row(
                        "teardown", rawDown, berthDown, new BenchTable.RatioAtMost(1.2)),
                    new BenchTable.Row(
                        "create-to-ready, app",
                        rawAppUp,
                        berthAppUp,
                        new BenchTable.RatioAtMost(1.15)),
                    new BenchTable.Row(
                        "create-to-ready, app, same isolation",
                        isolatedAppUp,
                        berthAppUp,
                        new BenchTable.RatioAtMost(1.15)))));
        // The warm pool, made only now so that its members weigh on nothing measured above.
        PoolBench.writeTemplate(home, AppBaseline.SHELL, AppBaseline.PORT);
        api.post("/api/v1/templates/reload");
        System.err.printf("measuring %d pooled creates...%n", reps);
        try {
          System.out.println(PoolBench.render(berthAppUp, PoolBench.pooled(api, reps, "p")));
        } finally {
          server.sessions().pools().closeAndDrain(); // the bench's members go with it
        }
      } catch (IOException e) {
        throw new CliException("benchmark failed: " + e.getMessage());
      }
    }

    static DockerClient rawClient() {
      var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
      var http =
          new ApacheDockerHttpClient.Builder()
              .dockerHost(config.getDockerHost())
              .sslConfig(config.getSSLConfig())
              .build();
      return DockerClientImpl.getInstance(config, http);
    }

    /** The floor: what any manager must ask the engine for a ready workspace container. */
    private static void rawCreate(DockerClient docker, String image, String name) {
      docker.createVolumeCmd().withName(name).exec();
      docker
          .createContainerCmd(image)
          .withName(name)
          .withCmd("sleep", "infinity")
          .withHostConfig(
              HostConfig.newHostConfig()
                  .withInit(true)
                  .withBinds(new Bind(name, new Volume("/workspace"))))
          .exec();
      docker.startContainerCmd(name).exec();
      String exec = docker.execCreateCmd(name).withCmd("true").exec().getId();
      try {
        docker
            .execStartCmd(exec)
            .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<>())
            .awaitCompletion(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static void rawRemove(DockerClient docker, String name) {
      docker.removeContainerCmd(name).withForce(true).exec();
      docker.removeVolumeCmd(name).exec();
    }
  }

  /** Just enough of the REST API, with errors that stop the benchmark. */
  record Api(String url, String token) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    void create(String id) {
      call("POST", "/api/v1/sessions", "{\"id\":\"" + id + "\"}", 201);
    }

    /** Creates a session of {@code template}; returns the create's answer. */
    String create(String id, String template) {
      return call(
          "POST",
          "/api/v1/sessions",
          "{\"id\":\"" + id + "\",\"template\":\"" + template + "\"}",
          201);
    }

    String get(String path) {
      return call("GET", path, null, 200);
    }

    String post(String path) {
      return call("POST", path, null, 200);
    }

    void delete(String id) {
      call("DELETE", "/api/v1/sessions/" + id, null, 200);
    }

    private String call(String method, String path, String body, int expected) {
      var request =
          HttpRequest.newBuilder(URI.create(url + path))
              .header("Authorization", "Bearer " + token)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build();
      try {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
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
