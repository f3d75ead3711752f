package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Berth installations (two data directories) with one prefix on one engine: the second refuses
 * to start, naming the fix, and the first's image, shared network and sessions are untouched.
 */
class TwoInstallationsTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  private final String prefix = "btwo" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  private TestServer first;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (first != null) {
      first.close();
    }
    PrefixCleanup.remove(prefix, instance("first"), instance("second"));
  }

  private String instance(String home) throws java.io.IOException {
    Path file = dir.resolve(home).resolve("instance.id");
    return Files.exists(file) ? Files.readString(file).strip() : "";
  }

  private Path home(String name) throws Exception {
    Path from = Path.of("..", "examples", "offline-templates", "busybox").toAbsolutePath();
    Path to = dir.resolve(name).resolve("templates/bbox");
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return dir.resolve(name);
  }

  private static String docker(String format, String what) throws Exception {
    var r =
        DebianBase.run(
            30, "docker", what.split(" ")[0], "inspect", "-f", format, what.split(" ")[1]);
    assertThat(r.code()).as(r.output()).isZero();
    return r.output().strip();
  }

  @Test
  void theSecondInstallationWithTheSamePrefixRefusesToStartAndTouchesNothingOfTheFirst()
      throws Exception {
    first = new TestServer(home("first"), Map.of("BERTH_PREFIX", prefix), "docker");
    Response build = first.admin("POST", "/api/v1/images/builds", "{\"templates\": [\"bbox\"]}");
    assertThat(build.status()).as(build.toString()).isEqualTo(202);
    String job = build.json().get("id").asString();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(120))
        .until(
            () ->
                first
                    .admin("GET", "/api/v1/images/builds/" + job, null)
                    .json()
                    .get("state")
                    .asString()
                    .equals("succeeded"));
    Response created =
        first.admin("POST", "/api/v1/sessions", "{\"id\": \"one\", \"template\": \"bbox\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String image = docker("{{.Id}}", "image " + prefix + "/bbox:latest");
    String network = docker("{{.Id}}", "network " + prefix + "-net");
    // The name on the shared network is opaque (docs/docker.md): ask the session for it.
    String containerName = created.json().at("/session/resources/container").asString();
    assertThat(containerName).startsWith(prefix + "-session-");
    String container = docker("{{.Id}} {{.State.Running}}", "container " + containerName);
    String firstInstance = instance("first");

    Path second = home("second");
    assertThatThrownBy(() -> new TestServer(second, Map.of("BERTH_PREFIX", prefix), "docker"))
        .hasMessageContaining(
            "another Berth installation uses the prefix '" + prefix + "' on this Docker engine")
        .hasMessageContaining("instance " + firstInstance + ": ")
        .hasMessageContaining("network " + prefix + "-net")
        .hasMessageContaining("image " + prefix + "/bbox:")
        .hasMessageContaining("container " + containerName)
        .hasMessageContaining("data directory " + second)
        .hasMessageContaining(
            "Give it a different prefix: 'prefix: <name>' in berth.yaml or BERTH_PREFIX=<name>");

    // The first's image, network and session are as they were; the second made nothing.
    assertThat(docker("{{.Id}}", "image " + prefix + "/bbox:latest")).isEqualTo(image);
    assertThat(docker("{{.Id}}", "network " + prefix + "-net")).isEqualTo(network);
    assertThat(docker("{{index .Labels \"berth.instance\"}}", "network " + prefix + "-net"))
        .isEqualTo(firstInstance);
    assertThat(docker("{{.Id}} {{.State.Running}}", "container " + containerName))
        .isEqualTo(container)
        .endsWith(" true");
    Response exec =
        first.admin("POST", "/api/v1/sessions/one/exec", "{\"command\": \"echo still here\"}");
    assertThat(exec.json().get("stdout").asString()).as(exec.toString()).isEqualTo("still here\n");
    assertThat(first.admin("GET", "/api/v1/sessions/one", null).json().get("status").asString())
        .isEqualTo("RUNNING");
    String secondInstance = instance("second");
    assertThat(secondInstance).isNotEmpty().isNotEqualTo(firstInstance);
    for (String kind : new String[] {"ps -a", "volume ls", "network ls"}) {
      var r =
          DebianBase.run(
              30,
              "sh",
              "-c",
              "docker " + kind + " -q --filter label=berth.instance=" + secondInstance);
      assertThat(r.output().strip()).as(kind).isEmpty();
    }
    var images =
        DebianBase.run(
            30,
            "sh",
            "-c",
            "docker images -q --filter label=berth.image.instance=" + secondInstance);
    assertThat(images.output().strip()).isEmpty();
  }
}
