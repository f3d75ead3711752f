package dev.berth.cli;

import com.github.dockerjava.api.DockerClient;
import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.docker.DockerEngineCheck;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.server.BerthServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Berth's process API adds on Docker: time to the first byte of a started process's output,
 * and a keystroke's round trip through a terminal, each through Berth (REST + the attach WebSocket)
 * and through the engine's own hijacked exec stream ({@link RawExec}, what {@code docker exec -it}
 * uses), interleaved in one run against one session's container.
 */
@Command(
    name = "processes",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark processes on Docker: first output byte and a keystroke round trip.",
      "Time to the first output byte (start 'printf x', read it) and a keystroke round"
          + " trip through a raw TTY 'cat': Berth's REST + WebSocket vs the engine's"
          + " hijacked exec stream (what docker exec -it uses)."
    })
final class ProcessesBench implements Runnable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Raw mode first, so each byte goes to cat and back once (no line discipline echo, no lines). */
  static final List<String> CAT = List.of("sh", "-c", "stty raw -echo && printf R && exec cat");

  private static final double GOAL_MS = 2.0;

  @Option(names = "--reps", defaultValue = "50", description = "process starts (default 50)")
  int reps;

  @Option(
      names = "--keystrokes",
      defaultValue = "200",
      description = "keystroke round trips (default 200)")
  int keystrokes;

  @Option(
      names = "--warmup",
      defaultValue = "20",
      description = "unmeasured ones of each first (default 20)")
  int warmup;

  @Override
  public void run() {
    Path socket =
        DockerEngineCheck.socket("", System.getenv())
            .orElseThrow(() -> new CliException("needs a Docker engine on a unix socket"));
    BenchHome scratch = BenchHome.make("berth-bench-processes-");
    String prefix = "bprc" + Long.toString(System.nanoTime() % 46656, 36);
    BerthConfig config =
        ConfigLoader.load(
            scratch.dir(),
            Map.of(),
            Map.of("port", "0", "backend", "docker", "prefix", prefix),
            BackendProviders.installed().all());
    try (scratch;
        BerthServer server =
            BerthServer.start(
                config,
                BackendProviders.installed(),
                new PrintStream(new ByteArrayOutputStream()));
        DockerClient docker = BenchCommand.Docker.rawClient()) {
      var api = new Api(server.url(), Files.readString(config.adminTokenFile()).strip());
      api.call("POST", "/api/v1/sessions", "{\"id\":\"bench\"}", 201);
      try {
        String container =
            JSON.readTree(api.call("GET", "/api/v1/sessions/bench", null, 200))
                .findValue("containerId")
                .asString();
        var raw = new Raw(docker, socket, container);
        System.err.printf(
            "measuring %d starts and %d keystrokes, after %d of each to warm up...%n",
            reps, keystrokes, warmup);
        List<Row> rows = new ArrayList<>();
        rows.add(firstByte(api, raw));
        rows.add(keystroke(api, raw));
        System.out.println(render(rows));
      } finally {
        // Sessions outlive the server by design: this one must not.
        api.call("DELETE", "/api/v1/sessions/bench", null, 200);
      }
    } catch (IOException e) {
      throw new CliException("benchmark failed: " + e.getMessage());
    }
  }

  private Row firstByte(Api api, Raw raw) {
    List<Double> rawTimes = new ArrayList<>();
    List<Double> berthTimes = new ArrayList<>();
    for (int i = 0; i < warmup + reps; i++) {
      double a = BenchTable.time(raw::printfFirstByte);
      double b =
          BenchTable.time(
              () -> {
                String pid = api.start("{\"command\":[\"printf\",\"x\"]}");
                try (var ws = api.attach(pid)) {
                  ws.expect((byte) 'x');
                }
              });
      if (i >= warmup) {
        rawTimes.add(a);
        berthTimes.add(b);
      }
    }
    return new Row("time to first byte (start printf x)", rawTimes, berthTimes);
  }

  private Row keystroke(Api api, Raw raw) {
    String pid =
        api.start(
            "{\"command\":" + JSON.writeValueAsString(CAT) + ",\"tty\":{},\"openStdin\":true}");
    try (var ws = api.attach(pid);
        RawExec rawCat = raw.startCat()) {
      ws.expect((byte) 'R');
      List<Double> rawTimes = new ArrayList<>();
      List<Double> berthTimes = new ArrayList<>();
      for (int i = 0; i < warmup + keystrokes; i++) {
        byte key = (byte) ('a' + i % 26);
        double a = BenchTable.time(() -> Raw.roundTrip(rawCat, key));
        double b = BenchTable.time(() -> ws.roundTrip(key));
        if (i >= warmup) {
          rawTimes.add(a);
          berthTimes.add(b);
        }
      }
      return new Row("keystroke round trip (TTY cat)", rawTimes, berthTimes);
    } finally {
      api.call("POST", "/api/v1/sessions/bench/processes/" + pid + "/kill", null, 200);
    }
  }

  /** The engine directly: exec create through the engine client, then the hijacked stream. */
  private record Raw(DockerClient docker, Path socket, String container) {
    void printfFirstByte() {
      String id =
          docker
              .execCreateCmd(container)
              .withCmd("printf", "x")
              .withAttachStdout(true)
              .withAttachStderr(true)
              .exec()
              .getId();
      try (RawExec exec = RawExec.start(socket, id, false)) {
        // Without a TTY the stream is framed: 8 bytes of header ([1,0,0,0] is stdout), then data.
        for (int i = 0; i < 8; i++) {
          exec.read();
        }
        if (exec.read() != 'x') {
          throw new CliException("raw exec: not the output expected");
        }
      } catch (IOException e) {
        throw new CliException("raw exec failed: " + e.getMessage());
      }
    }

    RawExec startCat() {
      String id =
          docker
              .execCreateCmd(container)
              .withCmd(CAT.toArray(String[]::new))
              .withTty(true)
              .withAttachStdin(true)
              .withAttachStdout(true)
              .withAttachStderr(true)
              .exec()
              .getId();
      RawExec exec = RawExec.start(socket, id, true);
      try {
        while (exec.read() != 'R') {
          // the terminal is ready once the R comes
        }
      } catch (IOException e) {
        exec.close();
        throw new CliException("raw cat did not start: " + e.getMessage());
      }
      return exec;
    }

    static void roundTrip(RawExec exec, byte key) {
      try {
        exec.write(new byte[] {key});
        if (exec.read() != key) {
          throw new CliException("raw cat echoed something else");
        }
      } catch (IOException e) {
        throw new CliException("raw cat failed: " + e.getMessage());
      }
    }
  }

  /** One attach WebSocket; its stdout bytes (channel 1) are handed over as they come. */
  private static final class Attached implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<Byte> stdout = new LinkedBlockingQueue<>();
    private volatile WebSocket ws;
    private int channel = -1;

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      if (channel < 0 && data.hasRemaining()) {
        channel = data.get();
      }
      while (channel == ProcessSocket.STDOUT && data.hasRemaining()) {
        stdout.add(data.get());
      }
      if (last) {
        channel = -1;
      }
      webSocket.request(1);
      return null;
    }

    void expect(byte b) {
      try {
        Byte got = stdout.poll(10, TimeUnit.SECONDS);
        if (got == null || got != b) {
          throw new CliException("expected '" + (char) b + "' on the WebSocket, got " + got);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }

    void roundTrip(byte key) {
      try {
        ws.sendBinary(ByteBuffer.wrap(new byte[] {ProcessSocket.STDIN, key}), true)
            .get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      } catch (ExecutionException | TimeoutException e) {
        throw new CliException("WebSocket send failed: " + e);
      }
      expect(key);
    }

    @Override
    public void close() {
      ws.abort();
    }
  }

  /** Just enough of the REST API, with errors that stop the benchmark. */
  private record Api(String url, String token) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    String start(String body) {
      return JSON.readTree(call("POST", "/api/v1/sessions/bench/processes", body, 201))
          .get("id")
          .asString();
    }

    Attached attach(String pid) {
      var listener = new Attached();
      try {
        listener.ws =
            HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(
                    URI.create(
                        url.replaceFirst("^http", "ws")
                            + "/api/v1/sessions/bench/processes/"
                            + pid
                            + "/attach"),
                    listener)
                .get(10, TimeUnit.SECONDS);
        return listener;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      } catch (ExecutionException | TimeoutException e) {
        throw new CliException("attach to " + pid + " failed: " + e);
      }
    }

    String call(String method, String path, String body, int expected) {
      var request =
          HttpRequest.newBuilder(URI.create(url + path))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
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

  record Row(String name, List<Double> raw, List<Double> berth) {}

  static String render(List<Row> rows) {
    var out =
        new StringBuilder(
            "| metric | n | raw median | raw p90 | berth median | berth p90 | ratio of medians |"
                + " berth added | goal |\n|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      double rawMedian = BenchTable.percentile(r.raw(), 50);
      double berthMedian = BenchTable.percentile(r.berth(), 50);
      double added = berthMedian - rawMedian;
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f | %.2f ms | added <= %.1f ms"
                  + " %s |%n",
              r.name(),
              r.raw().size(),
              rawMedian,
              BenchTable.percentile(r.raw(), 90),
              berthMedian,
              BenchTable.percentile(r.berth(), 90),
              berthMedian / rawMedian,
              added,
              GOAL_MS,
              added <= GOAL_MS ? "(met)" : "(NOT met)"));
    }
    return out.toString();
  }
}
