package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Faults of the engine itself, on a private dockerd of the test's own (restarting or freezing the
 * machine's engine would hit everything else running on it): the engine restarts under running
 * sessions; the engine hangs in the middle of a delete and Berth is killed.
 */
class EngineFaultTest {
  @TempDir Path dir;
  private PrivateEngine engine;

  @BeforeAll
  static void needsAPrivateEngine() {
    PrivateEngine.check();
  }

  @BeforeEach
  void startEngine() throws Exception {
    engine = PrivateEngine.start();
  }

  @AfterEach
  void stopEngine() throws Exception {
    engine.close();
  }

  /** The web session's page, fetched inside the session (its ports are not the host's). */
  private static String fetch(TestServer berth) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions/site/exec",
            "{\"command\": [\"wget\", \"-q\", \"-O\", \"-\", \"http://127.0.0.1:8080/index.html\"]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("stdout").asString();
  }

  @Test
  void afterAnEngineRestartBerthReconnectsAndEverySessionComesBackWithItsFiles() throws Exception {
    Path home = dir.resolve("home");
    Path web = Files.createDirectories(home.resolve("templates/web"));
    // Probed from inside: the private engine's published ports are in its own network namespace.
    Files.writeString(
        web.resolve("template.yaml"),
        """
        command: [/bin/busybox, httpd, -f, -p, "8080", -h, /workspace]
        probe: {exec: [wget, -q, -O, /dev/null, "http://127.0.0.1:8080/"], startTimeout: 30s}
        """);
    Files.createDirectories(web.resolve("skeleton"));
    Files.writeString(web.resolve("skeleton/index.html"), "from the skeleton");
    // A well-behaved server (Jupyter is one): it answers the SIGTERM of the engine's shutdown with
    // exit code 0, which must not be taken for a quit.
    Path graceful = Files.createDirectories(home.resolve("templates/graceful"));
    Files.writeString(
        graceful.resolve("template.yaml"),
        """
        shell: "trap 'exit 0' TERM; httpd -f -p 8080 -h /workspace & wait"
        probe: {exec: [wget, -q, -O, /dev/null, "http://127.0.0.1:8080/"], startTimeout: 30s}
        """);
    Files.createDirectories(graceful.resolve("skeleton"));
    Files.writeString(graceful.resolve("skeleton/index.html"), "calm");
    try (var berth =
        new TestServer(
            home,
            Map.of(
                "BERTH_PREFIX", "beng",
                "BERTH_DOCKER_HOST", engine.host(),
                "BERTH_RECONCILE_INTERVAL", "1s"),
            "docker")) {
      List<String> ids = List.of("e1", "e2", "site", "calm");
      Map<String, String> templates = Map.of("site", "web", "calm", "graceful");
      for (String id : ids) {
        String body =
            templates.containsKey(id)
                ? "{\"id\": \"" + id + "\", \"template\": \"" + templates.get(id) + "\"}"
                : "{\"id\": \"" + id + "\"}";
        Response r = berth.admin("POST", "/api/v1/sessions", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().at("/session/status").asString()).as(r.toString()).isEqualTo("RUNNING");
        berth.admin(
            "PUT", "/api/v1/sessions/" + id + "/files/index.html", ("kept " + id).getBytes(UTF_8));
      }
      assertThat(fetch(berth)).isEqualTo("kept site");

      engine.restart(); // SIGTERM to dockerd: it stops every container, exits, and starts again

      Awaitility.await("every session RUNNING again after a restart")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                for (String id : ids) {
                  JsonNode s = berth.admin("GET", "/api/v1/sessions/" + id, null).json();
                  assertThat(s.get("status").asString()).as(s.toString()).isEqualTo("RUNNING");
                  assertThat(s.at("/life/restarts").asInt()).as(s.toString()).isGreaterThan(0);
                }
              });
      for (String id : ids) {
        assertThat(berth.admin("GET", "/api/v1/sessions/" + id + "/files/index.html", null).text())
            .isEqualTo("kept " + id);
      }
      assertThat(fetch(berth)).as("the app answers again").isEqualTo("kept site");
      String metrics = berth.admin("GET", "/metrics", null).text();
      assertThat(metrics)
          .contains("berth_backend_connected{backend=\"docker\"} 1.0")
          .containsPattern("berth_session_restarts_total\\{backend=\"docker\"\\} [3-9]");
      assertThat(berth.admin("GET", "/api/v1/sessions/e1/events", null).text())
          .contains("\"type\":\"restart\"");
      assertThat(berth.admin("GET", "/api/v1/sessions/calm/events", null).text())
          .as(
              "the graceful app answered the engine's SIGTERM with exit code 0: recovered, not quit")
          .contains("exited with code 0", "restart 1 of 5")
          .doesNotContain("exited on its own");
    }
  }

  @Test
  void aCrashInTheMiddleOfADeleteIsFinishedByTheNextStartWithACompleteReceipt() throws Exception {
    Path home = dir.resolve("home");
    try (var berth =
        BerthProcess.start(
            home,
            Map.of(
                "BERTH_PREFIX", "bdel",
                "BERTH_DOCKER_HOST", engine.host(),
                "BERTH_RECONCILE_INTERVAL", "1s"))) {
      Response created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"doomed\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String instance = berth.instance();
      DockerCli.Owned owned = engine.cli().owned(instance);
      assertThat(owned.containers()).containsKey("doomed");
      assertThat(owned.volumes()).containsKey("doomed");

      // The engine hangs: the delete is recorded, then waits on the engine. Berth dies there.
      engine.freeze();
      // Let a reconcile pass (every second) start inspecting the frozen engine under the session's
      // lock, as it may at any time: the delete must still get through once that gives up.
      Thread.sleep(2_500);
      CompletableFuture<Integer> delete =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return berth.admin("DELETE", "/api/v1/sessions/doomed", null).status();
                } catch (RuntimeException connectionLost) {
                  return -1;
                }
              });
      // The reconciler may be inspecting the session on the frozen engine, under the session's
      // lock: its inspection gives up after DockerEngine's quick-response bound (10 s) and the
      // delete gets the lock.
      Awaitility.await("the delete is recorded")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  berth
                      .admin("GET", "/api/v1/sessions/doomed", null)
                      .json()
                      .path("desired")
                      .asString("")
                      .equals("DELETED"));
      berth.kill9();
      assertThat(delete.join()).as("the client saw the connection drop").isEqualTo(-1);
      engine.thaw();
      assertThat(engine.cli().owned(instance).sessions())
          .as("the interrupted delete left the session's resources")
          .contains("doomed");

      berth.restart();
      Awaitility.await("the next start finishes the delete")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> berth.admin("GET", "/api/v1/sessions/doomed", null).status() == 404);
      assertThat(engine.cli().owned(instance).isEmpty())
          .as(engine.cli().owned(instance).toString())
          .isTrue();
      JsonNode events = berth.admin("GET", "/api/v1/sessions/doomed/events", null).json();
      JsonNode receipt = null;
      boolean resumed = false;
      for (JsonNode e : events) {
        if (e.get("type").asString().equals("deleting")
            && e.get("message").asString().startsWith("finishing an interrupted")) {
          resumed = true;
        }
        if (e.get("type").asString().equals("cleanup")) {
          receipt = e.get("data");
        }
      }
      assertThat(resumed).as(events.toString()).isTrue();
      assertThat(receipt).as(events.toString()).isNotNull();
      assertThat(receipt.get("complete").asBoolean()).isTrue();
      assertThat(receipt.get("removed").toString())
          .contains("\"kind\":\"container\"", "bdel-session-") // opaque on the shared network
          .contains("\"kind\":\"volume\"", "bdel-default-doomed");
    }
  }
}
