package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extra container on an image Berth builds from a sibling template ({@code containers.plugin.
 * template: plugin-img}), on a real engine and offline: a create without the image is refused with
 * {@code image_not_built} naming that template and makes nothing; {@code --build} builds it (and
 * the template it is built on) first with the build's progress, as for a main image; the plugin
 * container really runs it (a file its Dockerfile added); a stopped container keeps the build it
 * was made from, and a new session gets the newest build.
 */
class DockerContainerTemplateImageTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String PIPE =
      """
      containers:
        plugin:
          template: plugin-img
          shell: cat /marker > plugin.txt; exec sleep 600
      """;

  @TempDir Path home;
  private Path templates;
  private final String prefix = "bcti" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  private TestServer berth;
  private Map<String, String> env;
  private final DockerCli docker = DockerCli.system();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void setUp() throws IOException {
    templates = Files.createDirectories(home.resolve("templates"));
    copyExample("busybox", templates.resolve("bbox"));
    Path plugin = Files.createDirectories(templates.resolve("plugin-img"));
    Files.writeString(plugin.resolve("template.yaml"), "parent: bbox\nbuild: {network: none}\n");
    Files.writeString(
        plugin.resolve("Dockerfile"),
        "ARG BERTH_IMAGE_BBOX\nFROM ${BERTH_IMAGE_BBOX}\nCOPY marker /marker\n");
    Files.writeString(plugin.resolve("marker"), "plugin-v1\n");
    Path pipe = Files.createDirectories(templates.resolve("pipe"));
    Files.writeString(pipe.resolve("template.yaml"), PIPE);
    Path onBbox = Files.createDirectories(templates.resolve("pipe-idle"));
    Files.writeString(onBbox.resolve("template.yaml"), "parent: bbox\nidleTimeout: 1s\n" + PIPE);
  }

  private void start(Map<String, String> settings) {
    var all = new java.util.HashMap<>(settings);
    all.put("BERTH_PREFIX", prefix);
    berth = new TestServer(home, all, "docker");
    env = Map.of("BERTH_URL", berth.url(), "BERTH_TOKEN", berth.adminToken);
  }

  @AfterEach
  void tearDown() throws Exception {
    String instance = "";
    if (berth != null) {
      berth.close();
      instance = Files.readString(home.resolve("instance.id")).strip();
    }
    PrefixCleanup.remove(prefix, instance);
  }

  /**
   * Renewing a session (what {@code berth update --restart-idle} does to an idle one on an outdated
   * image) makes its extra containers again too, so the plugin moves to its template's newest build
   * together with the main container.
   */
  @Test
  void aRenewedSessionsExtraContainerRunsTheNewestBuild() throws IOException {
    // ren1 must be idle (1 s) yet still running when `update` looks at it: only the start-up
    // reconcile pass runs, so nothing culls it first.
    start(Map.of("BERTH_RECONCILE_INTERVAL", "1h"));
    Run created = cli("session", "create", "--id", "ren1", "-t", "pipe-idle", "--build");
    assertThat(created.code()).as(created.toString()).isZero();
    assertThat(created.out()).contains("building 2 image(s) in this order: bbox, plugin-img");
    assertThat(exec("ren1", "plugin", "cat /marker")).isEqualTo("plugin-v1\n");

    // A new build of bbox rebuilds plugin-img on it (with its new marker) in the same update.
    Files.writeString(templates.resolve("bbox/etc/motd"), "version 2\n");
    Files.writeString(templates.resolve("plugin-img/marker"), "plugin-v2\n");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                java.time.Instant.parse(
                        berth
                            .admin("GET", "/api/v1/sessions/ren1", null)
                            .json()
                            .get("lastActivityAt")
                            .asString())
                    .plusSeconds(1)
                    .isBefore(java.time.Instant.now()));
    Run update =
        cli("update", "bbox", "--restart-idle", "--idle-after", "1h", "--progress", "plain");
    assertThat(update.code()).as(update.toString()).isZero();
    assertThat(update.out())
        .containsPattern(
            "(?m)^ren1 +pipe-idle +RUNNING +yes +restarted +restarted on the new image");
    assertThat(exec("ren1", "plugin", "cat /marker"))
        .as("the plugin container was made again from plugin-img's newest build")
        .isEqualTo("plugin-v2\n");
  }

  private static void copyExample(String name, Path to) throws IOException {
    Path from = Path.of("..", "examples", "offline-templates", name).toAbsolutePath().normalize();
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
  }

  private record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Run cli(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private String exec(String id, String container, String line) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions/" + id + "/exec",
            TestServer.JSON.writeValueAsString(Map.of("command", line, "container", container)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("stdout").asString();
  }

  private String containersOfThisPrefix() {
    return docker.run("ps", "-a", "--filter", "name=" + prefix + "-", "--format", "{{.Names}}");
  }

  @Test
  void theContainersImageIsBuiltOnFirstUseAndRuns() throws IOException {
    start(Map.of());
    Response refused =
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"ti1\", \"template\": \"pipe\"}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.json().at("/error/code").asString()).isEqualTo("image_not_built");
    assertThat(refused.json().at("/error/templates").toString()).isEqualTo("[\"plugin-img\"]");
    assertThat(refused.json().at("/error/message").asString())
        .contains("template 'pipe' runs an image built from template(s) plugin-img")
        .contains(prefix + "/plugin-img:latest")
        .contains("berth images build plugin-img");
    assertThat(containersOfThisPrefix()).as("nothing was made").isEmpty();

    Run created = cli("session", "create", "--id", "ti1", "-t", "pipe", "--build");
    assertThat(created.code()).as(created.toString()).isZero();
    assertThat(created.err())
        .contains(
            "the image of plugin-img is not built yet; building it (berth images build"
                + " --cache plugin-img)");
    assertThat(created.out())
        .as("the build's progress, line by line, parents first")
        .contains("building 2 image(s) in this order: bbox, plugin-img")
        .contains("[plugin-img] BUILT " + prefix + "/plugin-img:")
        .contains("RUNNING");

    assertThat(exec("ti1", "plugin", "cat /marker")).isEqualTo("plugin-v1\n");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(exec("ti1", "session", "cat plugin.txt 2>/dev/null"))
                    .as("the plugin wrote what its image holds onto the shared workspace")
                    .isEqualTo("plugin-v1\n"));
    String pluginContainer =
        docker
            .run(
                "ps",
                "-q",
                "--filter",
                "name=" + prefix + "-",
                "--filter",
                "label=berth.session=ti1",
                "--filter",
                "label=berth.type=plugin")
            .strip();
    assertThat(docker.run("inspect", "-f", "{{.Config.Image}}", pluginContainer).strip())
        .isEqualTo(prefix + "/plugin-img:latest");
    assertThat(exec("ti1", "session", "test -f /marker && echo main has it || echo not in main"))
        .as("the main container runs Berth's default image, not the plugin's")
        .isEqualTo("not in main\n");

    // A new build: a stopped container keeps the build it was made from, as the main one does;
    // a new session gets the newest.
    Files.writeString(templates.resolve("plugin-img/marker"), "plugin-v2\n");
    Run rebuilt = cli("images", "build", "plugin-img");
    assertThat(rebuilt.code()).as(rebuilt.toString()).isZero();
    assertThat(cli("session", "stop", "ti1").code()).isZero();
    Run started = cli("session", "start", "ti1");
    assertThat(started.code()).as(started.toString()).isZero();
    assertThat(exec("ti1", "plugin", "cat /marker")).isEqualTo("plugin-v1\n");
    Run second = cli("session", "create", "--id", "ti2", "-t", "pipe");
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(exec("ti2", "plugin", "cat /marker")).isEqualTo("plugin-v2\n");
  }
}
