package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.proxy.BrowserFlow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A real Jupyter Notebook 6 in a Docker session, run from the repository's shipped {@code
 * examples/templates/jupyter/template.yaml} (its command, ports, probe, proxy and user, read from
 * the file) on an offline image made like its Dockerfile ({@link DebianJupyter}; the Dockerfile
 * itself needs the internet). Through {@code /s/<id>/} the moment the session is RUNNING: REST
 * (status, a notebook made through the contents API with Jupyter's _xsrf rules), a kernel over a
 * WebSocket (1+1 gives 2), and the notebook opened and run in Chromium. Also: a token-protected
 * Jupyter keeps its users logged in across a stop and start (it names its login cookie after the
 * Host it sees), and behind a TLS-terminating reverse proxy (a trusted one) Jupyter takes writes
 * whose {@code Origin} is {@code https://}.
 *
 * <p>Berth runs as {@code berth serve} in a process of its own ({@link BerthProcess}), as users run
 * it. The image is made once per engine (~70 s the first time); a run takes ~30 s after that.
 */
class DockerJupyterTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path SHIPPED =
      Path.of("..", "examples", "templates", "jupyter", "template.yaml")
          .toAbsolutePath()
          .normalize();
  private static final String APP_TOKEN = "jupyter-own-token-1";

  @TempDir static Path home;
  static String prefix;
  static BerthProcess berth;
  static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @BeforeAll
  static void start() throws Exception {
    DockerRequired.check();
    DebianJupyter.ensure();
    prefix = "bjup" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    ObjectNode shipped = (ObjectNode) YAMLMapper.builder().build().readTree(SHIPPED.toFile());
    // The shipped template as it is, on the offline image instead of its Dockerfile's.
    ObjectNode jupyter = shipped.deepCopy();
    jupyter.put("image", DebianJupyter.IMAGE);
    write("jupyter", jupyter);
    // The same with Jupyter's own token, as a user would protect it (docs/proxy.md).
    ObjectNode withToken = jupyter.deepCopy();
    var command = (tools.jackson.databind.node.ArrayNode) withToken.get("command");
    for (int i = 0; i < command.size(); i++) {
      if (command.get(i).asString().equals("--NotebookApp.token=")) {
        command.set(i, "--NotebookApp.token=" + APP_TOKEN);
      }
    }
    assertThat(command.toString()).contains(APP_TOKEN);
    write("jupyter-token", withToken);
    berth =
        BerthProcess.start(
            Files.createDirectories(home.resolve("berth")),
            Map.of(
                "BERTH_PREFIX",
                prefix,
                // The test's requests come from here, as a reverse proxy's would.
                "BERTH_TRUSTED_PROXIES",
                "127.0.0.1"));
  }

  private static void write(String name, ObjectNode template) throws Exception {
    Path dir = Files.createDirectories(home.resolve("berth/templates/" + name));
    Files.writeString(dir.resolve("template.yaml"), JSON.writeValueAsString(template));
  }

  @AfterAll
  static void stop() throws Exception {
    if (berth != null) {
      berth.close();
    }
    if (prefix != null) {
      DockerCli.system().removeEverything(prefix);
    }
  }

  @Test
  void theShippedTemplateKeepsThePrefixAndProbesJupytersPort() throws Exception {
    JsonNode shipped = YAMLMapper.builder().build().readTree(SHIPPED.toFile());
    assertThat(shipped.at("/proxy/path").asString()).isEqualTo("keep");
    assertThat(shipped.at("/probe/tcp").asInt()).isEqualTo(8888);
    assertThat(shipped.get("command").toString()).contains("${BERTH_BASE_PATH}");
  }

  @Test
  void aJupyterSessionAnswersRestAKernelAndABrowserTheMomentItIsRunning() throws Exception {
    String token = create("nb", "jupyter");
    var jar = new CookieJar();
    // No retry: RUNNING means the app answers.
    var status = send("GET", "/s/nb/api/status", token, jar, Map.of(), null);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    assertThat(JSON.readTree(status.body()).has("started")).as(status.body()).isTrue();

    // Jupyter's pages set its _xsrf cookie (under the prefix); writes must echo it.
    var tree = send("GET", "/s/nb/tree", token, jar, Map.of(), null);
    assertThat(tree.statusCode()).as(tree.body()).isEqualTo(200);
    assertThat(tree.body()).contains("/s/nb/static/");
    String xsrf = jar.get("_xsrf");
    assertThat(xsrf).as("Jupyter's _xsrf cookie").isNotNull();
    Map<String, String> write = Map.of("X-XSRFToken", xsrf, "Origin", berthOrigin());
    var made = send("POST", "/s/nb/api/contents", token, jar, write, "{\"type\": \"notebook\"}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    String notebook = JSON.readTree(made.body()).get("path").asString();

    String kernel =
        JSON.readTree(send("POST", "/s/nb/api/kernels", token, jar, write, "{}").body())
            .get("id")
            .asString();
    assertThat(runOnKernel("nb", token, jar, kernel, "1+1")).isEqualTo("2");

    BrowserFlow.run(
        "jupyter.mjs",
        "http://127.0.0.1:" + berth.port,
        berth.adminToken(),
        Map.of("SESSION", "nb", "NOTEBOOK", notebook),
        "browser-screenshots-jupyter");
  }

  @Test
  void behindATrustedTlsProxyJupyterTakesWritesAndKernelSocketsFromHttpsPages() throws Exception {
    String token = create("tls", "jupyter");
    var jar = new CookieJar();
    // What nginx sends with docs/proxy.md's snippet: its own upstream address as Host.
    Map<String, String> viaProxy =
        Map.of(
            "X-Forwarded-Proto", "https",
            "X-Forwarded-Host", "jupyter.example.org",
            "X-Forwarded-For", "203.0.113.9");
    var tree = send("GET", "/s/tls/tree", token, jar, viaProxy, null);
    assertThat(tree.statusCode()).as(tree.body()).isEqualTo(200);
    Map<String, String> write = new LinkedHashMap<>(viaProxy);
    write.put("X-XSRFToken", jar.get("_xsrf"));
    write.put("Origin", "https://jupyter.example.org");
    var made = send("POST", "/s/tls/api/contents", token, jar, write, "{\"type\": \"notebook\"}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    var kernel = send("POST", "/s/tls/api/kernels", token, jar, write, "{}");
    assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
    String id = JSON.readTree(kernel.body()).get("id").asString();
    assertThat(runOnKernel("tls", token, jar, id, "2+3", write)).isEqualTo("5");
  }

  @Test
  void aTokenProtectedJupyterKeepsItsUsersLoggedInAcrossAStopAndStart() throws Exception {
    String token = create("nbt", "jupyter-token");
    var jar = new CookieJar();
    // One click: Berth's login link with the app's own token appended. Berth takes its own
    // (berth_...), sets its cookie and sends the browser on with Jupyter's, which logs in.
    String link =
        berth.admin("POST", "/api/v1/sessions/nbt/login-link", null).json().get("path").asString();
    var login = send("GET", link + "&token=" + APP_TOKEN, null, jar, Map.of(), null);
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/s/nbt/?token=" + APP_TOKEN);
    // Jupyter sends / on to its file list, where the token logs in (it sets its login cookie).
    var in = send("GET", "/s/nbt/?token=" + APP_TOKEN, null, jar, Map.of(), null);
    for (int hops = 0; in.statusCode() / 100 == 3 && hops < 5; hops++) {
      in =
          send("GET", in.headers().firstValue("Location").orElseThrow(), null, jar, Map.of(), null);
    }
    assertThat(in.statusCode()).as(in.body()).isEqualTo(200);
    assertThat(in.uri().getPath()).isEqualTo("/s/nbt/tree");
    assertThat(jar.names()).as("Jupyter's login cookie").anyMatch(n -> n.startsWith("username-"));
    assertThat(send("GET", "/s/nbt/api/kernels", null, jar, Map.of(), null).statusCode())
        .isEqualTo(200);
    for (String action : new String[] {"stop", "start"}) {
      var r = berth.admin("POST", "/api/v1/sessions/nbt/" + action, null);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    // RUNNING again means answering again (no retry), as after the create; the endpoint is the
    // container's address, which a restart may change.
    assertThat(endpoint("nbt")).matches("http://\\d+\\.\\d+\\.\\d+\\.\\d+:8888/");
    // Still logged in to Jupyter: its cookie is named after the browser's Host, not the app's
    // address.
    var after = send("GET", "/s/nbt/api/kernels", null, jar, Map.of(), null);
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String create(String id, String template) {
    var r =
        berth.admin(
            "POST",
            "/api/v1/sessions",
            "{\"id\": \"" + id + "\", \"template\": \"" + template + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().at("/session/status").asString()).as(r.toString()).isEqualTo("RUNNING");
    return r.json().get("token").asString();
  }

  private static String endpoint(String id) {
    return berth
        .admin("GET", "/api/v1/sessions/" + id, null)
        .json()
        .at("/endpoints/8888")
        .asString();
  }

  private static String berthOrigin() {
    return "http://127.0.0.1:" + berth.port;
  }

  /** A browser's cookie jar, by name (every cookie here lives under one session's prefix). */
  static final class CookieJar {
    private final Map<String, String> cookies = new LinkedHashMap<>();

    void take(HttpResponse<?> r) {
      for (String set : r.headers().allValues("Set-Cookie")) {
        String pair = set.split(";", 2)[0];
        int eq = pair.indexOf('=');
        cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }

    String get(String name) {
      return cookies.get(name);
    }

    List<String> names() {
      return new ArrayList<>(cookies.keySet());
    }

    String header() {
      List<String> pairs = new ArrayList<>();
      cookies.forEach((k, v) -> pairs.add(k + "=" + v));
      return String.join("; ", pairs);
    }
  }

  /** One request through Berth's proxy, with the session's token (null: cookies only). */
  private static HttpResponse<String> send(
      String method,
      String path,
      String token,
      CookieJar jar,
      Map<String, String> headers,
      String json)
      throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(berthOrigin() + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (!jar.header().isEmpty()) {
      b.header("Cookie", jar.header());
    }
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    jar.take(r);
    return r;
  }

  private static String runOnKernel(
      String id, String token, CookieJar jar, String kernel, String code) throws Exception {
    return runOnKernel(id, token, jar, kernel, code, Map.of("Origin", berthOrigin()));
  }

  /** Runs {@code code} on {@code kernel} of session {@code id} through the proxy. */
  private static String runOnKernel(
      String id,
      String token,
      CookieJar jar,
      String kernel,
      String code,
      Map<String, String> headers)
      throws Exception {
    Map<String, String> sent = new LinkedHashMap<>();
    sent.put("Authorization", "Bearer " + token);
    sent.put("Cookie", jar.header());
    headers.forEach(
        (k, v) -> {
          if (!k.equals("X-XSRFToken")) {
            sent.put(k, v);
          }
        });
    URI channels =
        URI.create(
            "ws://127.0.0.1:" + berth.port + "/s/" + id + "/api/kernels/" + kernel + "/channels");
    return JupyterKernelSocket.execute(http, channels, sent, code);
  }
}
