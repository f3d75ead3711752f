package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What RUNNING and FAILED mean on a real engine: RUNNING only once the app inside the container
 * answers (not when Docker's port proxy does), FAILED with nothing of the session left running, an
 * app quit on purpose STOPPED with how to start it again, and a probe at the session's own base
 * path.
 */
class DockerReadinessTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path home;
  private String prefix;
  private TestServer berth;
  private final DockerCli docker = DockerCli.system();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  private void template(String name, String yaml) throws Exception {
    Files.createDirectories(home.resolve("templates").resolve(name).resolve("skeleton"));
    Files.writeString(home.resolve("templates").resolve(name).resolve("template.yaml"), yaml);
  }

  @BeforeEach
  void start() throws Exception {
    prefix = "brdy" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    // Listens 3 s after its container starts: docker-proxy accepts on the published port at once.
    template(
        "slow",
        """
        shell: "sleep 3; exec /bin/busybox httpd -f -p 8080 -h /workspace"
        ports: [8080]
        probe: {tcp: 8080, startTimeout: 30s}
        """);
    Files.writeString(home.resolve("templates/slow/skeleton/index.html"), "ready\n");
    template(
        "deaf",
        """
        command: [sleep, infinity]
        ports: [8080]
        probe: {exec: ["false"], startTimeout: 2s}
        """);
    template(
        "sickly",
        """
        command: [sleep, infinity]
        probe: {exec: [test, -f, /workspace/healthy], startTimeout: 10s, interval: 500ms, timeout: 2s, failureThreshold: 1}
        restart: {limit: 0}
        """);
    Files.writeString(home.resolve("templates/sickly/skeleton/healthy"), "yes\n");
    template("quitter", "shell: \"sleep 2; exit 0\"\n");
    // Serves only under its base path (a 404 elsewhere) and logs every URL it is asked for.
    template(
        "kept",
        """
        shell: "mkdir -p /workspace/www$BERTH_BASE_PATH && echo kept > /workspace/www${BERTH_BASE_PATH}index.html && exec /bin/busybox httpd -f -vv -p 8080 -h /workspace/www"
        ports: [8080]
        proxy: {path: keep}
        probe: {http: "${BERTH_BASE_PATH}probe", port: 8080, startTimeout: 30s}
        """);
    berth =
        new TestServer(
            home, Map.of("BERTH_PREFIX", prefix, "BERTH_RECONCILE_INTERVAL", "500ms"), "docker");
  }

  @AfterEach
  void stop() {
    try {
      berth.close();
    } finally {
      docker.removeEverything(prefix);
    }
  }

  private JsonNode create(String id, String template) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions",
            "{\"id\": \"" + id + "\", \"template\": \"" + template + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private JsonNode show(String id) {
    return berth.admin("GET", "/api/v1/sessions/" + id, null).json();
  }

  private List<String> events(String id) {
    List<String> out = new ArrayList<>();
    berth
        .admin("GET", "/api/v1/sessions/" + id + "/events?limit=1000", null)
        .json()
        .forEach(e -> out.add(e.get("message").asString()));
    return out;
  }

  private String containerRunning(JsonNode session) {
    return docker.run(
        "inspect", "--format", "{{.State.Running}}", session.at("/resources/container").asString());
  }

  private HttpResponse<String> get(String url, String cookie) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  /** The proxy's session cookie, from the login link with the session's token. */
  private String login(String id, String token) throws Exception {
    HttpResponse<String> login = get(berth.url() + "/s/" + id + "/?token=" + token, null);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void aTcpProbeWaitsForTheAppInsideTheContainerNotForDockersPortProxy() throws Exception {
    JsonNode created = create("late", "slow");
    assertThat(created.at("/session/status").asString()).isEqualTo("RUNNING");
    String cookie = login("late", created.get("token").asString());

    // The moment it is RUNNING, the app answers: through the proxy and at its endpoint.
    HttpResponse<String> page = get(berth.url() + "/s/late/", cookie);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("ready\n");
    String endpoint = created.at("/session/endpoints/8080").asString();
    assertThat(endpoint)
        .matches("http://\\d+\\.\\d+\\.\\d+\\.\\d+:8080/")
        .doesNotStartWith("http://127.");
    assertThat(get(endpoint, null).body()).isEqualTo("ready\n");
  }

  @Test
  void aStartWhoseProbeNeverPassesStopsItsContainerAndKeepsItsVolume() {
    JsonNode s = create("deaf", "deaf").get("session");
    assertThat(s.get("status").asString()).isEqualTo("FAILED");
    assertThat(s.get("statusReason").asString()).contains("not ready after 2s");
    assertThat(containerRunning(s))
        .as("the container is stopped, not left running")
        .isEqualTo("false");
    assertThat(docker.tryRun("volume", "inspect", s.at("/resources/volume").asString()).exit())
        .as("the workspace is kept for inspection")
        .isZero();
    assertThat(events("deaf")).contains("stopped what it started; workspace kept");
  }

  @Test
  void aSessionTheReconcilerGivesUpOnHasNothingLeftRunning() {
    JsonNode s = create("sick", "sickly").get("session");
    assertThat(s.get("status").asString()).isEqualTo("RUNNING");
    Response removed = berth.admin("DELETE", "/api/v1/sessions/sick/files/healthy", null);
    assertThat(removed.status()).as(removed.toString()).isIn(200, 204);

    Awaitility.await("FAILED by its health checks, not restarted")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> show("sick").get("status").asString().equals("FAILED"));
    assertThat(show("sick").get("statusReason").asString())
        .contains("health probe failed", "restart limit 0: not restarted");
    Awaitility.await("its container stopped")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> containerRunning(s).equals("false"));
    assertThat(events("sick")).contains("stopped what it started; workspace kept");
  }

  @Test
  void anAppThatQuitsWithCodeZeroIsStoppedWithHowToStartItAgainAndNotRestarted() {
    JsonNode s = create("quit", "quitter").get("session");
    assertThat(s.get("status").asString()).isEqualTo("RUNNING");
    Awaitility.await("STOPPED once its app quit")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> show("quit").get("status").asString().equals("STOPPED"));
    assertThat(show("quit").get("statusReason").asString())
        .contains(
            "exited on its own with code 0",
            "berth session start quit",
            "POST /api/v1/sessions/quit/start");
    Awaitility.await("left STOPPED: not restarted in a loop")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> show("quit").get("status").asString().equals("STOPPED"));
    assertThat(show("quit").at("/life/restarts").asInt()).isZero();

    Response again = berth.admin("POST", "/api/v1/sessions/quit/start", null);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(show("quit").get("status").asString()).isEqualTo("RUNNING");
  }

  @Test
  void anHttpProbeGoesToTheSessionsOwnBasePath() throws Exception {
    JsonNode created = create("kept", "kept");
    assertThat(created.at("/session/status").asString())
        .as(created.toString())
        .isEqualTo("RUNNING");
    // ${BERTH_BASE_PATH}probe is a 404: below 500, so healthy, and asked at the expanded path.
    // Waited for: the engine's log of the container can lag a moment behind what the app wrote.
    Awaitility.await("the probe's request in the app's log")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(berth.admin("GET", "/api/v1/sessions/kept/logs", null).text())
                    .contains("url:/s/kept/probe")
                    .doesNotContain("${"));
    String cookie = login("kept", created.get("token").asString());
    HttpResponse<String> page = get(berth.url() + "/s/kept/", cookie);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("kept\n");
  }
}
