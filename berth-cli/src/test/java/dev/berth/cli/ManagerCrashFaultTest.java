package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Berth killed with SIGKILL in the middle of its work, on a real engine: the next Berth on the same
 * data directory finishes or cleans up everything, and leaves exactly the resources of live
 * sessions (by label: zero orphans).
 */
class ManagerCrashFaultTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> SETTLED = Set.of("RUNNING", "FAILED", "STOPPED");
  @TempDir Path dir;
  private String prefix;
  private BerthProcess berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void prefix() {
    prefix = "bkc" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (berth != null) {
      berth.close();
    }
    DockerCli.system().removeEverything(prefix);
  }

  private BerthProcess start() {
    // A network per session: the machine engine's address pools hand out /28 subnets (see
    // .ci/run), and one shared /28 network holds only 13 containers, fewer than 30 sessions.
    return BerthProcess.start(
        dir.resolve("home"),
        Map.of(
            "BERTH_PREFIX",
            prefix,
            "BERTH_RECONCILE_INTERVAL",
            "1s",
            "BERTH_DOCKER_NETWORKS",
            "per-session"));
  }

  private List<JsonNode> sessions() {
    TestServer.Response r = berth.admin("GET", "/api/v1/sessions", null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().forEach(out::add);
    return out;
  }

  @Test
  void killedDuringThirtyConcurrentCreatesTheNextStartFinishesThemAndLeavesNoOrphans()
      throws Exception {
    berth = start();
    DockerCli docker = DockerCli.system();
    String instance = berth.instance();
    ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    List<CompletableFuture<Integer>> creates = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String body = "{\"id\": \"c" + i + "\"}";
      creates.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return berth.admin("POST", "/api/v1/sessions", body).status();
                } catch (RuntimeException connectionLost) {
                  return -1;
                }
              },
              clients));
    }
    // Kill it as soon as a few containers exist: most creates are then in flight.
    Awaitility.await("some containers exist")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> docker.owned(instance).containers().size() >= 3);
    berth.kill9();
    long answered = creates.stream().map(CompletableFuture::join).filter(s -> s == 201).count();
    clients.shutdown();
    assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(answered).as("creates answered before the kill").isLessThan(30);

    berth.restart();
    Awaitility.await("every session settles and the engine holds only live sessions' resources")
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<JsonNode> live = sessions();
              assertThat(live)
                  .allSatisfy(s -> assertThat(s.get("status").asString()).isIn(SETTLED));
              Set<String> liveIds = new TreeSet<>();
              live.forEach(s -> liveIds.add(s.get("id").asString()));
              DockerCli.Owned owned = docker.owned(instance);
              assertThat(owned.sessions())
                  .as("no resource without a live session")
                  .isSubsetOf(liveIds);
              for (JsonNode s : live) {
                String id = s.get("id").asString();
                if (s.get("status").asString().equals("RUNNING")) {
                  assertThat(owned.containers()).as("container of %s", id).containsKey(id);
                  assertThat(owned.volumes()).as("volume of %s", id).containsKey(id);
                  assertThat(owned.networks()).as("network of %s", id).containsKey(id);
                } else {
                  assertThat(s.get("statusReason").asString()).as("%s says why", id).isNotEmpty();
                }
              }
            });

    List<JsonNode> live = sessions();
    long resumed =
        live.stream()
            .filter(
                s ->
                    berth
                        .admin(
                            "GET", "/api/v1/sessions/" + s.get("id").asString() + "/events", null)
                        .text()
                        .matches("(?s).*(\"type\":\"resume\"|interrupted by a manager restart).*"))
            .count();
    assertThat(resumed)
        .as("creates the kill interrupted were finished by the next start")
        .isPositive();
    assertThat(live.stream().filter(s -> s.get("status").asString().equals("RUNNING")).count())
        .as("interrupted creates end RUNNING here (the engine is healthy)")
        .isEqualTo(live.size());

    // And delete removes every one of them, leaving nothing labelled behind.
    for (JsonNode s : live) {
      TestServer.Response r =
          berth.admin("DELETE", "/api/v1/sessions/" + s.get("id").asString(), null);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    assertThat(docker.owned(instance).isEmpty()).as(docker.owned(instance).toString()).isTrue();
  }
}
