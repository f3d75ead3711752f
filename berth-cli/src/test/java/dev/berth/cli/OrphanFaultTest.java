package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler removes orphans by itself: resources with this installation's labels and no live
 * session, older than the grace period; never a live session's, never a stranger's.
 */
class OrphanFaultTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path home;
  private final String prefix = "bor" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  private final DockerCli docker = DockerCli.system();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @AfterEach
  void cleanUp() {
    docker.removeEverything(prefix);
  }

  @Test
  void orphansAreRemovedWithoutBeingAskedAndNothingElseIs() throws Exception {
    // The installation's id is chosen here so that the orphan can be planted before Berth starts,
    // as a registry restored from an old backup would leave it.
    String instance = "o" + Integer.toString(RANDOM.nextInt(1 << 24), 36);
    Files.createDirectories(home);
    Files.writeString(home.resolve("instance.id"), instance + "\n");
    String orphan = prefix + "-default-ghost";
    docker.run(
        "volume",
        "create",
        "--label",
        "berth.session=ghost",
        "--label",
        "berth.template=default",
        "--label",
        "berth.type=workspace",
        "--label",
        "berth.instance=" + instance,
        "--label",
        "berth.created=2020-01-01T00:00:00Z",
        orphan);
    String stranger = prefix + "-not-berths";
    docker.run("volume", "create", "--label", "berth.session=ghost", stranger);

    try (var berth =
        new TestServer(
            home,
            Map.of(
                "BERTH_PREFIX", prefix,
                "BERTH_RECONCILE_INTERVAL", "500ms",
                "BERTH_ORPHAN_GRACE", "1m"),
            "docker")) {
      var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"alive\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      Awaitility.await("the orphan is removed by the reconciler")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> docker.tryRun("volume", "inspect", orphan).exit() != 0);
      assertThat(docker.tryRun("volume", "inspect", stranger).exit())
          .as("a volume without this installation's instance label is not Berth's")
          .isZero();
      assertThat(docker.owned(instance).volumes()).containsOnlyKeys("alive");
      assertThat(berth.admin("GET", "/api/v1/sessions/alive", null).json().get("status").asString())
          .isEqualTo("RUNNING");
      // Counted once the whole collection is done, a moment after the volume is gone.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(berth.admin("GET", "/metrics", null).text())
                      .contains("berth_orphans_removed_total 1.0"));
    } finally {
      docker.tryRun("volume", "rm", stranger);
    }
  }
}
