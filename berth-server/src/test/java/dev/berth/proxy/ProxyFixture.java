package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Berth server (local backend) with templates whose app is {@link ProxyTestApp} in its own JVM,
 * and the HTTP helpers the proxy tests share. No cookie jar: tests carry cookies by hand so each
 * one is explicit.
 */
final class ProxyFixture implements AutoCloseable {
  static final JsonMapper JSON = JsonMapper.builder().build();
  final TestServer berth;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  ProxyFixture(Path home) {
    this(home, Map.of());
  }

  /** With Berth's environment ({@code BERTH_*} configuration). */
  ProxyFixture(Path home, Map<String, String> env) {
    writeTemplates(home.resolve("templates"));
    berth = new TestServer(home, env);
  }

  /** The command that runs the test app in a new JVM with this test's classpath. */
  static List<String> appCommand(String... args) {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx96m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", classpath));
    cmd.add(ProxyTestApp.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Templates: testapp (prefix stripped; ports 8080 and 9090), keepapp (prefix kept). */
  static void writeTemplates(Path dir) {
    Map<String, Object> probe = Map.of("http", "/healthz", "port", 8080, "startTimeout", "60s");
    Map<String, Object> plain = new LinkedHashMap<>();
    plain.put("description", "the proxy test app");
    plain.put("command", appCommand());
    plain.put("ports", List.of(8080, 9090));
    plain.put("probe", probe);
    Map<String, Object> keep = new LinkedHashMap<>();
    keep.put("description", "the proxy test app, serving under its base path");
    keep.put("command", appCommand("${BERTH_BASE_PATH}"));
    keep.put("ports", List.of(8080));
    keep.put("probe", probe);
    keep.put(
        "proxy",
        Map.of("path", "keep", "basePathEnv", "APP_PREFIX", "basePathHeader", "X-App-Root"));
    write(dir.resolve("testapp"), plain);
    write(dir.resolve("keepapp"), keep);
    // Starts its app only after a few seconds: long enough to see the "starting" page.
    Map<String, Object> slow = new LinkedHashMap<>(plain);
    List<String> slowCommand =
        new ArrayList<>(List.of("/bin/sh", "-c", "sleep 4; exec \"$0\" \"$@\""));
    slowCommand.addAll(appCommand());
    slow.put("command", slowCommand);
    write(dir.resolve("slowapp"), slow);
    // Declares a port its app never listens on: a healthy session whose app does not answer there.
    Map<String, Object> quiet = new LinkedHashMap<>(plain);
    quiet.put("ports", List.of(8080, 9090, 7070));
    write(dir.resolve("quietport"), quiet);
    // Exits at once: the session ends FAILED.
    write(
        dir.resolve("failapp"),
        Map.of(
            "command", List.of("/bin/sh", "-c", "echo cannot start; exit 3"),
            "ports", List.of(8080),
            "probe", Map.of("tcp", 8080, "startTimeout", "10s")));
  }

  private static void write(Path folder, Map<String, Object> template) {
    try {
      Files.createDirectories(folder);
      // JSON is YAML: no quoting trouble with long classpaths.
      Files.writeString(folder.resolve("template.yaml"), JSON.writeValueAsString(template));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a running session of {@code template}; returns its session token. */
  String create(String id, String template) {
    var r =
        berth.admin(
            "POST",
            "/api/v1/sessions",
            "{\"id\":\"" + id + "\",\"template\":\"" + template + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().at("/session/status").asString()).as(r.toString()).isEqualTo("RUNNING");
    return r.json().get("token").asString();
  }

  /** Logs in with {@code ?token=} and returns the proxy cookie ("berth_proxy=..."). */
  String login(String id, String token) {
    HttpResponse<String> r = get("/s/" + id + "/?token=" + token, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/s/" + id + "/");
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  HttpResponse<String> get(String path, Map<String, String> headers) {
    return send("GET", path, headers, HttpRequest.BodyPublishers.noBody());
  }

  HttpResponse<String> send(
      String method, String path, Map<String, String> headers, HttpRequest.BodyPublisher body) {
    var b = HttpRequest.newBuilder(URI.create(berth.url() + path)).method(method, body);
    headers.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the app saw of a request (its /headers endpoint), through the proxy. */
  JsonNode seen(String path, Map<String, String> headers) {
    HttpResponse<String> r = get(path, headers);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Override
  public void close() {
    berth.close();
  }
}
