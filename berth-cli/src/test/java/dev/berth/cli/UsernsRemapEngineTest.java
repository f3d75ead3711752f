package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth on an engine that remaps user namespaces ({@code dockerd --userns-remap=default}, see
 * docs/docker.md): a private dockerd of the test's own (the machine's engine is never reconfigured
 * or restarted), a Docker session created, used (exec, files) and deleted with its receipt there,
 * and, seen from the host, every process of the session's container runs as a uid from the
 * remapping's range, not as root, though it is uid 0 inside.
 */
class UsernsRemapEngineTest {
  @TempDir Path dir;
  private PrivateEngine engine;

  @BeforeAll
  static void needsAPrivateEngineThatCanRemap() {
    PrivateEngine.check();
    // dockerd makes its 'dockremap' user (and its /etc/subuid range) with useradd on first use.
    Optional<String> why =
        !Files.isExecutable(Path.of("/usr/sbin/useradd")) && !hasDockremap()
            ? Optional.of("no useradd (passwd) to make dockerd's dockremap user")
            : Optional.empty();
    if (why.isPresent() && System.getenv("CI") != null) {
      throw new AssertionError(why.get() + "; CI is set, so the userns-remap test must run");
    }
    Assumptions.assumeTrue(why.isEmpty(), () -> "userns-remap test skipped: " + why.get());
  }

  private static boolean hasDockremap() {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream()
          .anyMatch(l -> l.startsWith("dockremap:"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @BeforeEach
  void startEngine() throws Exception {
    engine = PrivateEngine.start(List.of("--userns-remap=default"));
  }

  @AfterEach
  void stopEngine() throws Exception {
    engine.close();
  }

  @Test
  void aDockerSessionWorksThereAndItsProcessesRunAsARemappedUidOnTheHost() throws Exception {
    assertThat(engine.cli().run("info", "--format", "{{json .SecurityOptions}}"))
        .as("the private engine remaps user namespaces")
        .contains("userns");
    long firstSubuid = subordinateStart("/etc/subuid");

    try (var berth =
        new TestServer(
            dir.resolve("home"),
            Map.of("BERTH_PREFIX", "buns", "BERTH_DOCKER_HOST", engine.host()),
            "docker")) {
      Response created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"remapped\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(created.json().at("/session/status").asString())
          .as(created.toString())
          .isEqualTo("RUNNING");

      Response put =
          berth.admin(
              "PUT", "/api/v1/sessions/remapped/files/notes/a.txt", "remapped".getBytes(UTF_8));
      assertThat(put.status()).as(put.toString()).isEqualTo(201);
      Response exec =
          berth.admin(
              "POST",
              "/api/v1/sessions/remapped/exec",
              "{\"command\": \"id -u && cat notes/a.txt && echo made > b.txt\"}");
      assertThat(exec.status()).as(exec.toString()).isEqualTo(200);
      assertThat(exec.json().get("stdout").asString())
          .as("uid 0 inside the container")
          .isEqualTo("0\nremapped");
      assertThat(berth.admin("GET", "/api/v1/sessions/remapped/files/b.txt", null).text())
          .isEqualTo("made\n");

      String container =
          engine.cli().run("ps", "-q", "--filter", "label=berth.session=remapped").strip();
      assertThat(container).as("the session's container").isNotEmpty();
      List<Long> pids = engine.containerPids(container);
      assertThat(pids).as("the container's processes").isNotEmpty();
      for (long pid : pids) {
        assertThat(hostUid(pid))
            .as("host uid of process %d of the session's container", pid)
            .isNotZero()
            .isGreaterThanOrEqualTo(firstSubuid);
      }

      Response deleted = berth.admin("DELETE", "/api/v1/sessions/remapped", null);
      assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
      assertThat(deleted.json().get("complete").asBoolean()).as(deleted.toString()).isTrue();
      assertThat(deleted.json().get("removed").toString()).contains("container", "volume");
      assertThat(engine.cli().run("ps", "-aq", "--filter", "label=berth.session=remapped"))
          .isBlank();
    }
  }

  /** The real (host) uid of a process: the first number of its status file's Uid line. */
  private static long hostUid(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("Uid:"))
        .map(l -> Long.parseLong(l.substring(4).strip().split("\\s+")[0]))
        .findFirst()
        .orElseThrow();
  }

  /** Where dockremap's subordinate range starts (dockerd added it on its first remapped start). */
  private static long subordinateStart(String file) throws Exception {
    return Files.readAllLines(Path.of(file)).stream()
        .filter(l -> l.startsWith("dockremap:"))
        .map(l -> Long.parseLong(l.split(":")[1]))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no dockremap range in " + file));
  }
}
