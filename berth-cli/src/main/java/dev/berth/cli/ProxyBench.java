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
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the browser proxy adds: a small GET and a WebSocket round trip, straight to the app's
 * published port (raw) and through {@code /s/<id>/} (berth), interleaved in one run against one app
 * (a session on the local backend running {@link BenchEchoApp}).
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the browser proxy against the app's port directly.",
      "A GET of a 2-byte page, and a WebSocket round trip (send, receive the echo),"
          + " over kept-alive connections."
    })
final class ProxyBench implements Runnable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Option(
      names = "--reps",
      defaultValue = "2000",
      description = "measured calls of each (default 2000)")
  int reps;

  @Option(
      names = "--warmup",
      defaultValue = "3000",
      description =
          "unmeasured calls of each first (default 3000): the JIT compiles the proxy's path")
  int warmup;

  @Override
  public void run() {
    BenchHome scratch = BenchHome.make("berth-bench-proxy-");
    Path home = scratch.dir();
    try {
      writeTemplate(home.resolve("templates/echo"));
    } catch (IOException e) {
      scratch.close();
      throw new CliException("cannot write the benchmark's template: " + e.getMessage());
    }
    BerthConfig config =
        ConfigLoader.load(
            home,
            Map.of(),
            Map.of("port", "0", "backend", "local"),
            BackendProviders.installed().all());
    try (scratch;
        BerthServer server =
            BerthServer.start(
                config,
                BackendProviders.installed(),
                new PrintStream(new ByteArrayOutputStream()))) {
      String admin = Files.readString(config.adminTokenFile()).strip();
      var http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      JsonNode created =
          JSON.readTree(
              send(
                      http,
                      HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/sessions"))
                          .header("Authorization", "Bearer " + admin)
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"id\":\"bench\",\"template\":\"echo\"}"))
                          .build())
                  .body());
      if (!"RUNNING".equals(created.at("/session/status").asString())) {
        throw new CliException("the benchmark's app did not start: " + created);
      }
      String direct = created.at("/session/endpoints/8080").asString();
      direct = direct.substring(0, direct.length() - 1);
      String proxied = server.url() + "/s/bench";
      String cookie = login(http, proxied + "/?token=" + created.get("token").asString());
      System.err.printf("measuring %d calls of each, after %d to warm up...%n", reps, warmup);
      List<BenchTable.Row> rows = new ArrayList<>();
      try {
        rows.add(httpRow(http, direct + "/", proxied + "/", cookie));
        rows.add(webSocketRow(http, direct, proxied, cookie));
      } finally {
        // Sessions outlive the server by design: this one must not.
        send(
            http,
            HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/sessions/bench"))
                .header("Authorization", "Bearer " + admin)
                .DELETE()
                .build());
      }
      System.out.println(BenchTable.render(rows));
    } catch (IOException e) {
      throw new CliException("benchmark failed: " + e.getMessage());
    }
  }

  private static void writeTemplate(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            BenchEchoApp.class.getName());
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("description", "berth bench proxy: a small page and a WebSocket echo");
    template.put("command", command);
    template.put("ports", List.of(8080));
    template.put("probe", Map.of("http", "/", "port", 8080, "startTimeout", "60s"));
    // JSON is YAML: no quoting trouble with a long classpath.
    Files.writeString(dir.resolve("template.yaml"), JSON.writeValueAsString(template));
  }

  private static String login(HttpClient http, String url) {
    HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(url)).build());
    String setCookie =
        r.headers()
            .firstValue("Set-Cookie")
            .orElseThrow(() -> new CliException("proxy login failed: " + r.statusCode()));
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private BenchTable.Row httpRow(HttpClient http, String direct, String proxied, String cookie) {
    var raw = HttpRequest.newBuilder(URI.create(direct)).build();
    var viaProxy = HttpRequest.newBuilder(URI.create(proxied)).header("Cookie", cookie).build();
    List<Double> rawTimes = new ArrayList<>();
    List<Double> berthTimes = new ArrayList<>();
    for (int i = 0; i < warmup + reps; i++) {
      boolean warm = i < warmup;
      double a = BenchTable.time(() -> expectOk(send(http, raw)));
      double b = BenchTable.time(() -> expectOk(send(http, viaProxy)));
      if (!warm) {
        rawTimes.add(a);
        berthTimes.add(b);
      }
    }
    return new BenchTable.Row("GET 2 bytes", rawTimes, berthTimes, new BenchTable.AddedAtMost(1.0));
  }

  private BenchTable.Row webSocketRow(
      HttpClient http, String direct, String proxied, String cookie) {
    var rawEcho = new Echo();
    var berthEcho = new Echo();
    WebSocket raw = rawEcho.connect(http.newWebSocketBuilder(), "ws" + direct.substring(4) + "/ws");
    WebSocket viaProxy =
        berthEcho.connect(
            http.newWebSocketBuilder().header("Cookie", cookie),
            "ws" + proxied.substring(4) + "/ws");
    List<Double> rawTimes = new ArrayList<>();
    List<Double> berthTimes = new ArrayList<>();
    for (int i = 0; i < warmup + reps; i++) {
      boolean warm = i < warmup;
      double a = BenchTable.time(() -> rawEcho.roundTrip(raw));
      double b = BenchTable.time(() -> berthEcho.roundTrip(viaProxy));
      if (!warm) {
        rawTimes.add(a);
        berthTimes.add(b);
      }
    }
    raw.abort();
    viaProxy.abort();
    return new BenchTable.Row(
        "WebSocket round trip", rawTimes, berthTimes, new BenchTable.AddedAtMost(1.0));
  }

  /** One WebSocket whose echoes are handed over one at a time. */
  private static final class Echo implements WebSocket.Listener {
    private final SynchronousQueue<String> echoes = new SynchronousQueue<>();
    private final StringBuilder text = new StringBuilder();

    WebSocket connect(WebSocket.Builder builder, String url) {
      try {
        return builder.buildAsync(URI.create(url), this).get(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      } catch (ExecutionException | TimeoutException e) {
        throw new CliException("WebSocket to " + url + " failed: " + e);
      }
    }

    void roundTrip(WebSocket ws) {
      try {
        ws.sendText("ping", true).get(10, TimeUnit.SECONDS);
        if (!"ping".equals(echoes.poll(10, TimeUnit.SECONDS))) {
          throw new CliException("no echo within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      } catch (ExecutionException | TimeoutException e) {
        throw new CliException("WebSocket send failed: " + e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        try {
          echoes.put(message);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ws.request(1);
      return CompletableFuture.completedFuture(null);
    }
  }

  private static void expectOk(HttpResponse<String> r) {
    if (r.statusCode() != 200 || !r.body().equals("ok")) {
      throw new CliException("unexpected answer " + r.statusCode() + ": " + r.body());
    }
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException(request.uri() + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
