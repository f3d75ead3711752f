package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Berth killed with SIGKILL while creates claim warm-pool members and the pool refills, three times
 * over, on a real engine: each next Berth leaves every resource either a live session's or a
 * member's (no orphan), no member in a session too, no member in two sessions, every session that
 * was recorded RUNNING with its app answering, and the pool full again.
 */
class PoolCrashFaultTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SIZE = 4;
  @TempDir Path dir;
  private String prefix;
  private BerthProcess berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void setUp() throws Exception {
    prefix = "bpc" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Path template = Files.createDirectories(dir.resolve("home/templates/pooled"));
    Files.writeString(
        template.resolve("template.yaml"),
        """
        shell: exec busybox httpd -f -p 0.0.0.0:8000 -h .
        ports: [8000]
        probe: {http: /, port: 8000, startTimeout: 30s}
        pool: {size: %d}
        """
            .formatted(SIZE));
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (berth != null) {
      berth.close();
    }
    DockerCli.system().removeEverything(prefix);
  }

  private BerthProcess start() {
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

  private List<JsonNode> list(String path) {
    TestServer.Response r = berth.admin("GET", path, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().forEach(out::add);
    return out;
  }

  private JsonNode pool() {
    List<JsonNode> pools = list("/api/v1/pools");
    assertThat(pools).hasSize(1);
    return pools.get(0);
  }

  private Set<String> members() {
    Set<String> out = new HashSet<>();
    pool().get("members").forEach(m -> out.add(m.get("handle").asString()));
    return out;
  }

  @Test
  void killedWhileCreatesClaimMembersAndThePoolRefillsTheNextStartLeavesNoOrphanAndNoDoubleClaim()
      throws Exception {
    berth = start();
    DockerCli docker = DockerCli.system();
    String instance = berth.instance();
    int made = 0;
    for (int round = 0; round < 3; round++) {
      awaitFullAndClean(docker, instance);
      ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
      List<CompletableFuture<Integer>> creates = new ArrayList<>();
      for (int i = 0; i < 2 * SIZE; i++) {
        String body = "{\"id\": \"r" + round + "-" + i + "\", \"template\": \"pooled\"}";
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
      // Killed as soon as the first create is answered: the other claims, the cold creates past
      // the pool's size and the refill are then under way.
      CompletableFuture.anyOf(creates.toArray(CompletableFuture[]::new)).join();
      berth.kill9();
      made += creates.stream().map(CompletableFuture::join).filter(s -> s == 201).count();
      clients.shutdown();
      assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      berth.restart();
    }
    awaitFullAndClean(docker, instance);
    assertThat(made).as("creates answered before the kills").isPositive();
    assertThat(pool().get("hits").asInt() + pool().get("misses").asInt())
        .as("counts start again with each manager")
        .isZero();

    // Every pooled session's delete removes what its member made; the pool's members stay.
    Set<String> members = members();
    for (JsonNode s : list("/api/v1/sessions")) {
      TestServer.Response r =
          berth.admin("DELETE", "/api/v1/sessions/" + s.get("id").asString(), null);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    assertThat(docker.owned(instance).sessions()).isEqualTo(new java.util.TreeSet<>(members));
  }

  /**
   * Waits until the pool is full and every session settled RUNNING, then checks: the engine holds
   * only live sessions' and members' resources, no member is a session's, no two sessions share a
   * handle.
   */
  private void awaitFullAndClean(DockerCli docker, String instance) {
    Awaitility.await("the pool is full, sessions run, and nothing is left over")
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonNode p = pool();
              assertThat(p.get("ready").asInt()).as(p.toString()).isEqualTo(SIZE);
              assertThat(p.get("starting").asInt()).as(p.toString()).isZero();
              List<JsonNode> live = list("/api/v1/sessions");
              assertThat(live)
                  .allSatisfy(s -> assertThat(s.get("status").asString()).isEqualTo("RUNNING"));
              List<String> sessionHandles = new ArrayList<>();
              live.forEach(s -> sessionHandles.add(s.get("handle").asString()));
              assertThat(sessionHandles).as("no member in two sessions").doesNotHaveDuplicates();
              Set<String> members = members();
              assertThat(java.util.Collections.disjoint(members, sessionHandles))
                  .as("no member both pooled and claimed: %s, %s", members, sessionHandles)
                  .isTrue();
              Set<String> known = new HashSet<>(sessionHandles);
              known.addAll(members);
              assertThat(docker.owned(instance).sessions())
                  .as("no resource without a live session or a member")
                  .isEqualTo(new java.util.TreeSet<>(known));
            });
  }
}
