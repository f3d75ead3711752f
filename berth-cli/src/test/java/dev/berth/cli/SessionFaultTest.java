package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Faults of one session on a real engine, with the reconciler running: its container killed or
 * removed behind Berth's back, a probe that starts failing, idleness. Every wait is bounded.
 */
class SessionFaultTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path home;
  private String prefix;
  private TestServer berth;
  private final DockerCli docker = DockerCli.system();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void start() throws Exception {
    prefix = "bsf" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Path flaky = Files.createDirectories(home.resolve("templates/flaky"));
    Files.writeString(
        flaky.resolve("template.yaml"),
        """
        description: healthy while /workspace/healthy exists
        command: [sleep, infinity]
        probe: {exec: [test, -f, /workspace/healthy], startTimeout: 3s, interval: 500ms, timeout: 2s, failureThreshold: 2}
        restart: {limit: 2, backoff: 1s, maxBackoff: 10s}
        """);
    Files.createDirectories(flaky.resolve("skeleton"));
    Files.writeString(flaky.resolve("skeleton/healthy"), "yes\n");
    Path idle = Files.createDirectories(home.resolve("templates/idle"));
    Files.writeString(idle.resolve("template.yaml"), "idleTimeout: 4s\n");
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

  private JsonNode create(String body) {
    Response r = berth.admin("POST", "/api/v1/sessions", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().at("/session/status").asString()).as(r.toString()).isEqualTo("RUNNING");
    return r.json().get("session");
  }

  private JsonNode show(String id) {
    return berth.admin("GET", "/api/v1/sessions/" + id, null).json();
  }

  private List<JsonNode> events(String id) {
    List<JsonNode> out = new ArrayList<>();
    berth
        .admin("GET", "/api/v1/sessions/" + id + "/events?limit=1000", null)
        .json()
        .forEach(out::add);
    return out;
  }

  private String read(String id, String path) {
    Response r = berth.admin("GET", "/api/v1/sessions/" + id + "/files/" + path, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text();
  }

  private boolean runningAfterRestarts(String id, int restarts) {
    JsonNode s = show(id);
    return s.get("status").asString().equals("RUNNING")
        && s.at("/life/restarts").asInt() == restarts;
  }

  @Test
  void aKilledOrRemovedContainerComesBackOnTheSameVolumeWithItsFiles() {
    JsonNode s = create("{\"id\": \"lost\"}");
    String container = s.at("/resources/container").asString();
    String volume = s.at("/resources/volume").asString();
    Response put =
        berth.admin(
            "PUT", "/api/v1/sessions/lost/files/notes/keep.txt", "written before".getBytes(UTF_8));
    assertThat(put.status()).as(put.toString()).isEqualTo(201);
    String firstId = docker.run("inspect", "--format", "{{.Id}}", container);

    docker.run("kill", container);
    Awaitility.await("restarted after docker kill")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> runningAfterRestarts("lost", 1));
    assertThat(docker.run("inspect", "--format", "{{.State.Running}}", container))
        .isEqualTo("true");
    assertThat(read("lost", "notes/keep.txt")).isEqualTo("written before");

    docker.run("rm", "-f", container);
    Awaitility.await("recreated after docker rm -f")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> runningAfterRestarts("lost", 2));
    assertThat(docker.run("inspect", "--format", "{{.Id}}", container))
        .as("a new container of the same name")
        .isNotEqualTo(firstId);
    assertThat(docker.run("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", container))
        .isEqualTo(volume);
    assertThat(read("lost", "notes/keep.txt")).isEqualTo("written before");

    List<String> messages = events("lost").stream().map(e -> e.get("message").asString()).toList();
    assertThat(messages)
        .anySatisfy(m -> assertThat(m).contains("exited with code 137", "restart 1 of 5"))
        .anySatisfy(m -> assertThat(m).contains("exited", "restart 2 of 5"));
  }

  @Test
  void aSessionWhoseVolumeVanishedFailsAndSaysSoInsteadOfComingBackEmpty() {
    JsonNode s = create("{\"id\": \"novol\"}");
    String container = s.at("/resources/container").asString();
    String volume = s.at("/resources/volume").asString();
    docker.run("rm", "-f", container);
    docker.run("volume", "rm", volume);
    Awaitility.await("FAILED for good")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                show("novol").get("statusReason").asString().contains("workspace is gone")
                    && show("novol").get("status").asString().equals("FAILED"));
    assertThat(show("novol").get("statusReason").asString())
        .contains(volume, "does not recreate an empty workspace");
    assertThat(show("novol").at("/life/nextRestartAt").isNull()).isTrue();
    assertThat(docker.tryRun("volume", "inspect", volume).exit())
        .as("no empty volume was made in its place")
        .isNotZero();
  }

  @Test
  void aFailingProbeRestartsWithBackoffThenFailsWithTheReason() {
    create("{\"id\": \"sick\", \"template\": \"flaky\"}");
    Response removed = berth.admin("DELETE", "/api/v1/sessions/sick/files/healthy", null);
    assertThat(removed.status()).as(removed.toString()).isIn(200, 204);

    Awaitility.await("given up after its restart limit")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              JsonNode s = show("sick");
              return s.get("status").asString().equals("FAILED")
                  && s.get("statusReason").asString().contains("gave up");
            });
    JsonNode s = show("sick");
    assertThat(s.get("statusReason").asString())
        .contains("probe command exited with 1", "gave up after 2 restarts");
    assertThat(s.at("/life/restarts").asInt()).isEqualTo(2);
    assertThat(s.at("/life/nextRestartAt").isNull()).as("no restart pending").isTrue();

    List<JsonNode> events = events("sick");
    Instant unhealthy = at(events, "its health probe failed", "restart 1 of 2 in 1 s");
    Instant firstRestart = at(events, "restart 1 of 2:", null);
    Instant secondFailure = at(events, "restart 2 of 2 in 2 s", null);
    Instant secondRestart = at(events, "restart 2 of 2:", null);
    // The backoff counts from the moment the failure was decided; its event is stamped a few ms
    // later, once saved, hence the 100 ms of slack (an immediate restart would take ~0 s).
    assertThat(Duration.between(unhealthy, firstRestart))
        .as("first backoff")
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(Duration.between(secondFailure, secondRestart))
        .as("second backoff, doubled")
        .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }

  /** When the first event whose message contains {@code text} (and {@code also}) happened. */
  private static Instant at(List<JsonNode> events, String text, String also) {
    return events.stream()
        .filter(e -> e.get("message").asString().contains(text))
        .filter(e -> also == null || e.get("message").asString().contains(also))
        .map(e -> Instant.parse(e.get("at").asString()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no event with '" + text + "' in " + events));
  }

  @Test
  void anIdleSessionIsCulledOnTimeAndAnActiveOneIsNot() throws Exception {
    create("{\"id\": \"quiet\", \"template\": \"idle\"}");
    create(
        "{\"id\": \"gone\", \"template\": \"idle\", \"idleTimeout\": \"2s\", \"cullAction\":"
            + " \"delete\"}");
    // busy last, its user right after: its idle clock (4 s) starts during its own create.
    create("{\"id\": \"busy\", \"template\": \"idle\"}");
    var stop = new AtomicBoolean();
    Thread user =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!stop.get()) {
                    berth.admin("POST", "/api/v1/sessions/busy/exec", "{\"command\": \"true\"}");
                    try {
                      Thread.sleep(500);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    try {
      Awaitility.await("the quiet one is stopped")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> show("quiet").get("status").asString().equals("STOPPED"));
      Instant quietSince = Instant.parse(show("quiet").get("lastActivityAt").asString());
      Instant culled = at(events("quiet"), "stop: idle for", null);
      assertThat(Duration.between(quietSince, culled))
          .as("culled after its idle timeout, not before")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
      assertThat(show("quiet").get("statusReason").asString())
          .contains("idle for", "idle timeout 4 s");
      Awaitility.await("its own idle timeout and cull action: deleted")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> berth.admin("GET", "/api/v1/sessions/gone", null).status() == 404);
      Awaitility.await("the busy one stays")
          .during(Duration.ofSeconds(6))
          .atMost(Duration.ofSeconds(8))
          .until(() -> show("busy").get("status").asString().equals("RUNNING"));
      // "via exec" while one of the user's execs is running at that moment, "via api" between
      // them: both are this user's use.
      assertThat(show("busy").at("/life/explanation").asString())
          .startsWith("active")
          .containsAnyOf("via api", "via exec")
          .contains("stopped if idle for 4 s");
    } finally {
      stop.set(true);
      user.join();
    }
    assertThat(docker.owned(instance()).sessions())
        .as("the deleted session's resources are gone")
        .doesNotContain("gone");
  }

  private String instance() throws Exception {
    return Files.readString(home.resolve("instance.id")).strip();
  }
}
