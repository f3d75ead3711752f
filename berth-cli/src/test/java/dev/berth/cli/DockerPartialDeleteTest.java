package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
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
 * A delete of a session of several containers that the real engine can only do in part, through the
 * executor endpoints: one container (the plugin) is made unremovable on the engine ({@link
 * ImmutableContainerDir}), {@code DELETE /executor/{id}} removes the others and the session's
 * network, and its receipt names the plugin with the engine's reason, and the volume the plugin
 * still holds. The session then waits, FAILED and still wanting deletion, and says so in its {@code
 * life}. Once the plugin can be removed, a second delete (or the reconciler's retry, which backs
 * off) removes the rest, and nothing of the session is left on the engine.
 */
class DockerPartialDeleteTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PIPE =
      """
      command: [sleep, '600']
      containers:
        processor:
          shell: exec sleep 600
        plugin:
          shell: exec sleep 600
          after: [processor]
        merger:
          shell: exec sleep 600
          after: [plugin]
          start: manual
      """;
  private static final String START =
      "{\"template\": \"pipe\", \"containers\": [\"processor\", \"plugin\", \"merger\"]}";

  private String prefix;
  private String sid;
  @TempDir Path home;
  private TestServer berth;
  private final DockerCli docker = DockerCli.system();
  private final ImmutableContainerDir immutable = new ImmutableContainerDir(docker);

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void template() throws IOException {
    prefix = "bpdl" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    sid = "run-" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Path pipe = Files.createDirectories(home.resolve("templates/pipe"));
    Files.writeString(pipe.resolve("template.yaml"), PIPE);
  }

  private void serve(String reconcileInterval) {
    berth =
        new TestServer(
            home,
            Map.of(
                "BERTH_PREFIX", prefix,
                "BERTH_DOCKER_NETWORKS", "per-session",
                "BERTH_RECONCILE_INTERVAL", reconcileInterval),
            "docker");
  }

  @AfterEach
  void stop() {
    immutable.close(); // first: a pinned container would survive every cleanup below
    if (berth != null) {
      berth.close();
    }
    docker.removeEverything(prefix);
  }

  private String name(String type) {
    return prefix + "-" + type + "-pipe-" + sid;
  }

  private String volume() {
    return prefix + "-pipe-" + sid;
  }

  /** What of the session is on the engine, by kind, found by its label (not by Berth). */
  private List<String> leftOnTheEngine() {
    String label = "label=berth.session=" + sid;
    List<String> out = new ArrayList<>();
    docker
        .run("ps", "-a", "--filter", label, "--format", "{{.Names}}")
        .lines()
        .forEach(n -> out.add("container " + n));
    docker
        .run("network", "ls", "--filter", label, "--format", "{{.Name}}")
        .lines()
        .forEach(n -> out.add("network " + n));
    docker
        .run("volume", "ls", "--filter", label, "--format", "{{.Name}}")
        .lines()
        .forEach(n -> out.add("volume " + n));
    return out;
  }

  private static List<String> entries(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(r -> out.add(r.get("kind").asString() + " " + r.get("name").asString()));
    return out;
  }

  private static String reasonOf(JsonNode failed, String kind, String name) {
    for (JsonNode f : failed) {
      if (f.get("kind").asString().equals(kind) && f.get("name").asString().equals(name)) {
        return f.get("reason").asString();
      }
    }
    throw new AssertionError("no failed " + kind + " " + name + " in " + failed);
  }

  /**
   * Starts the pipeline, pins the plugin and deletes: checks the partial receipt and the waiting
   * session; returns when the delete ended (its receipt's time).
   */
  private Instant startPinAndDeleteInPart() {
    Response up = berth.admin("POST", "/executor/" + sid, START);
    assertThat(up.status()).as(up.toString()).isEqualTo(201);
    List<String> before = leftOnTheEngine();
    String network =
        before.stream()
            .filter(r -> r.startsWith("network "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no session network in " + before));
    assertThat(before)
        .containsExactlyInAnyOrder(
            "container " + name("session"),
            "container " + name("processor"),
            "container " + name("plugin"),
            "container " + name("merger"),
            network,
            "volume " + volume());

    immutable.pin(name("plugin"));
    Response down = berth.admin("DELETE", "/executor/" + sid, null);

    assertThat(down.status()).as(down.toString()).isEqualTo(500);
    assertThat(down.json().get("error").get("code").asString()).isEqualTo("cleanup_incomplete");
    JsonNode receipt = down.json().get("receipt");
    assertThat(receipt.get("complete").asBoolean()).isFalse();
    assertThat(entries(receipt.get("removed")))
        .as("what could be removed was")
        .containsExactlyInAnyOrder(
            "container " + name("session"),
            "container " + name("processor"),
            "container " + name("merger"),
            network);
    // The plugin, with the engine's own reason; the volume because the plugin still holds it.
    assertThat(entries(receipt.get("failed")))
        .containsExactlyInAnyOrder("container " + name("plugin"), "volume " + volume());
    assertThat(reasonOf(receipt.get("failed"), "container", name("plugin")))
        .contains("operation not permitted");
    assertThat(reasonOf(receipt.get("failed"), "volume", volume())).contains("in use");
    assertThat(leftOnTheEngine())
        .containsExactlyInAnyOrder("container " + name("plugin"), "volume " + volume());

    // The registry says what the session waits for.
    JsonNode s = berth.admin("GET", "/api/v1/sessions/" + sid, null).json();
    assertThat(s.get("status").asString()).isEqualTo("FAILED");
    assertThat(s.get("desired").asString()).isEqualTo("DELETED");
    assertThat(s.get("statusReason").asString())
        .startsWith("cleanup incomplete: 2 resource(s) left: ")
        .contains("container " + name("plugin"), "operation not permitted", "volume " + volume());
    assertThat(s.get("life").get("explanation").asString())
        .startsWith("being deleted, waiting: cleanup incomplete: ");
    return Instant.parse(receipt.get("at").asString());
  }

  /**
   * Waits for the reconciler's own retry, which the engine's events of the delete bring on at once:
   * it fails as the delete did and schedules the next attempt, backing off (5 s at first).
   */
  private JsonNode awaitTheReconcilersBackoff(Instant deleteEnded) {
    Awaitility.await("the reconciler schedules its next delete attempt")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                berth
                    .admin("GET", "/api/v1/sessions/" + sid, null)
                    .json()
                    .get("life")
                    .hasNonNull("nextRestartAt"));
    JsonNode life = berth.admin("GET", "/api/v1/sessions/" + sid, null).json().get("life");
    assertThat(Instant.parse(life.get("nextRestartAt").asString()))
        .isAfterOrEqualTo(deleteEnded.plusSeconds(5));
    return life;
  }

  @Test
  void aSecondDeleteRemovesWhatTheFirstCouldNot() {
    serve("1h"); // no periodic pass: once it has backed off, the second delete finishes it
    awaitTheReconcilersBackoff(startPinAndDeleteInPart());

    immutable.release(name("plugin"));
    Response again = berth.admin("DELETE", "/executor/" + sid, null);

    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().get("complete").asBoolean()).isTrue();
    assertThat(entries(again.json().get("removed")))
        .as("the retry removes the rest, and lists only that: the first receipt had the others")
        .containsExactlyInAnyOrder("container " + name("plugin"), "volume " + volume());
    assertThat(again.json().get("failed")).isEmpty();
    assertThat(leftOnTheEngine()).isEmpty();
    assertThat(berth.admin("GET", "/api/v1/sessions/" + sid, null).status()).isEqualTo(404);
  }

  @Test
  void theReconcilerRetriesAPartialDeleteWithBackoffUntilNothingIsLeft() {
    serve("1s");
    Instant deleteEnded = startPinAndDeleteInPart();

    // The reconciler tries again on its own, fails the same way, and backs off: the session's
    // life says when the next attempt is.
    JsonNode life = awaitTheReconcilersBackoff(deleteEnded);
    assertThat(life.get("explanation").asString())
        .contains("container " + name("plugin"))
        .contains("; next attempt at ");
    assertThat(leftOnTheEngine())
        .containsExactlyInAnyOrder("container " + name("plugin"), "volume " + volume());

    immutable.release(name("plugin"));

    Awaitility.await("the reconciler's retry removes the rest")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> berth.admin("GET", "/api/v1/sessions/" + sid, null).status() == 404);
    assertThat(leftOnTheEngine()).isEmpty();
    // The deleted session's trail ends with the retry's receipt: the plugin and the volume.
    JsonNode events = berth.admin("GET", "/api/v1/sessions/" + sid + "/events", null).json();
    JsonNode last = null;
    for (JsonNode e : events) {
      if (e.get("type").asString().equals("cleanup")) {
        last = e;
      }
    }
    assertThat(last).as("a cleanup event in " + events).isNotNull();
    JsonNode data = last.get("data");
    assertThat(data.isObject()).as("the receipt is JSON: " + last).isTrue();
    JsonNode receipt = data;
    assertThat(receipt.get("complete").asBoolean()).as(receipt.toString()).isTrue();
    assertThat(entries(receipt.get("removed")))
        .containsExactlyInAnyOrder("container " + name("plugin"), "volume " + volume());
  }
}
