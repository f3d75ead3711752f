package dev.berth.cli;

import dev.berth.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code berth serve} in a process of its own, so that a test can kill it with SIGKILL (no shutdown
 * hook, no finally block: what a crash or an OOM kill does) and start another on the same data
 * directory. Its output goes to {@code berth-<n>.log} in the data directory's parent.
 */
final class BerthProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final Path home;
  final int port;
  private final Map<String, String> env;
  private Process process;
  private int starts;

  private BerthProcess(Path home, int port, Map<String, String> env) {
    this.home = home;
    this.port = port;
    this.env = env;
  }

  /** Starts Berth on the Docker backend with {@code env} (BERTH_PREFIX, BERTH_DOCKER_HOST...). */
  static BerthProcess start(Path home, Map<String, String> env) {
    int port;
    try (var free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var berth = new BerthProcess(home, port, env);
    berth.launch();
    return berth;
  }

  private void launch() {
    String java = ProcessHandle.current().info().command().orElse("java");
    var pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            BerthCli.class.getName(),
            "serve",
            "--backend",
            "docker",
            "--port",
            Integer.toString(port));
    pb.environment().put("BERTH_HOME", home.toString());
    pb.environment().putAll(env);
    starts++;
    Path log = home.resolveSibling("berth-" + starts + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Awaitility.await("Berth answers on port " + port + " (see " + log + ")")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> process.isAlive() && get("/api/v1/health", null).status() == 200);
  }

  /** SIGKILL: the manager dies mid-whatever, leaving the registry and the engine as they are. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("Berth did not die from SIGKILL within 30 s");
    }
  }

  /** Starts a new Berth on the same data directory and port. */
  void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("Berth is still running");
    }
    launch();
  }

  String adminToken() {
    try {
      return Files.readString(home.resolve("admin.token")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String instance() {
    try {
      return Files.readString(home.resolve("instance.id")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TestServer.Response admin(String method, String path, String jsonBody) {
    return send(method, path, adminToken(), jsonBody);
  }

  private TestServer.Response get(String path, String token) {
    return send("GET", path, token, null);
  }

  private TestServer.Response send(String method, String path, String token, String body) {
    var b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(120));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new TestServer.Response(
          r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Copies every log of this Berth to standard output (the test's report keeps it). */
  void dumpLogs() {
    for (int i = 1; i <= starts; i++) {
      Path log = home.resolveSibling("berth-" + i + ".log");
      try {
        System.out.println("==== " + log + " ====");
        System.out.println(Files.readString(log));
      } catch (IOException e) {
        System.out.println("(cannot read " + log + ": " + e + ")");
      }
    }
  }

  /** Stops Berth (SIGTERM, as a service manager would); sessions keep running. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    dumpLogs();
  }
}
