package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Image families on a real engine, through the CLI of a real server: a parent rebuilt through one
 * child leaves the other child outdated, and says so in {@code images ls}; {@code berth update}
 * rebuilds just that one, so a new session of it gets the new parent's content; an update with
 * nothing changed keeps every image and every session current; an edited Dockerfile shows as
 * changed sources.
 */
class DockerImageFamiliesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path home;
  private Path templates;
  private String prefix;
  private TestServer berth;
  private Map<String, String> env;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void setUp() throws IOException {
    prefix = "bfam" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    templates = Files.createDirectories(home.resolve("templates"));
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

  private record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Run berth(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private Run ok(String... args) {
    Run r = berth(args);
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  private Map<String, JsonNode> images() {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode i : TestServer.JSON.readTree(ok("images", "ls", "--json").out())) {
      out.put(i.get("template").asString(), i);
    }
    return out;
  }

  private Map<String, String> imageIds() {
    Map<String, String> out = new HashMap<>();
    images().forEach((t, i) -> out.put(t, i.get("imageId").asString()));
    return out;
  }

  private void create(String id, String template) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions",
            "{\"id\": \"" + id + "\", \"template\": \"" + template + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private String sessionImage(String id) {
    return berth
        .admin("GET", "/api/v1/sessions/" + id, null)
        .json()
        .at("/resources/imageId")
        .asString();
  }

  private String cat(String id, String path) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions/" + id + "/exec",
            TestServer.JSON.writeValueAsString(Map.of("command", "cat " + path)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("stdout").asString();
  }

  /** The offline busybox example as the parent {@code base}, with {@code /etc/motd}. */
  private Path parent() throws IOException {
    Path from = Path.of("..", "examples", "offline-templates", "busybox").toAbsolutePath();
    Path to = templates.resolve("base");
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
    Files.writeString(to.resolve("etc/motd"), "version 1\n");
    return to;
  }

  private Path child(String name) throws IOException {
    Path dir = Files.createDirectories(templates.resolve(name));
    Files.writeString(dir.resolve("template.yaml"), "parent: base\nbuild: {network: none}\n");
    Files.writeString(
        dir.resolve("Dockerfile"),
        "ARG BERTH_IMAGE_BASE\nFROM ${BERTH_IMAGE_BASE}\nCOPY note.txt /\n");
    Files.writeString(dir.resolve("note.txt"), name + "\n");
    return dir;
  }

  @Test
  void aParentRebuiltThroughOneChildMarksTheSiblingOutdatedAndUpdateRebuildsJustThatOne()
      throws IOException {
    Path base = parent();
    Path kida = child("kida");
    child("kidb");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
    env = Map.of("BERTH_URL", berth.url(), "BERTH_TOKEN", berth.adminToken);
    ok("images", "build", "--progress", "plain");
    images().values().forEach(i -> assertThat(i.get("status").asString()).isEqualTo("current"));
    create("sib1", "kidb");
    Map<String, String> built = imageIds();

    // Nothing changed: an update keeps every image, so no session is outdated.
    Run idle = ok("update", "--progress", "plain");
    assertThat(idle.out())
        .containsPattern("(?m)^base +[0-9a-f]{12} .* cached$")
        .containsPattern("(?m)^kida +[0-9a-f]{12} .* cached$")
        .containsPattern("(?m)^kidb +[0-9a-f]{12} .* cached$")
        .contains("no live session runs an outdated image");
    assertThat(imageIds()).isEqualTo(built);
    assertThat(sessionImage("sib1")).isEqualTo(built.get("kidb"));
    assertThat(images().get("kidb").get("outdatedSessions").asInt()).isZero();

    // The parent changes and is rebuilt through kida: kidb is still on the old parent.
    Files.writeString(base.resolve("etc/motd"), "version 2\n");
    ok("images", "build", "kida", "--progress", "plain");
    Map<String, JsonNode> after = images();
    String rebuiltAt =
        Instant.parse(after.get("base").get("builtAt").asString())
            .truncatedTo(ChronoUnit.SECONDS)
            .toString();
    assertThat(after.get("kidb").get("status").asString()).isEqualTo("outdated");
    assertThat(after.get("kidb").get("outdatedBecause").toString())
        .isEqualTo("[\"parent base rebuilt at " + rebuiltAt + "\"]");
    assertThat(after.get("kida").get("status").asString()).isEqualTo("current");
    assertThat(after.get("base").get("status").asString()).isEqualTo("current");
    assertThat(ok("images", "ls").out())
        .containsPattern("(?m)^kidb +base +" + prefix + "/kidb:[0-9a-f]{12} .* outdated +1 +0 *$")
        .contains("kidb is outdated: parent base rebuilt at " + rebuiltAt)
        .contains("'berth update' rebuilds the outdated images, parents first");

    Map<String, String> beforeUpdate = imageIds();
    Run update = ok("update", "--progress", "plain");
    assertThat(update.out())
        .containsPattern("(?m)^base +[0-9a-f]{12} .* cached$")
        .containsPattern("(?m)^kida +[0-9a-f]{12} .* cached$")
        .containsPattern("(?m)^kidb +[0-9a-f]{12} .* built$")
        .contains("1 live session(s) run an outdated image")
        .containsPattern("(?m)^sib1 +kidb +RUNNING .*");
    Map<String, String> updated = imageIds();
    assertThat(updated.get("base")).isEqualTo(beforeUpdate.get("base"));
    assertThat(updated.get("kida")).isEqualTo(beforeUpdate.get("kida"));
    assertThat(updated.get("kidb")).isNotEqualTo(beforeUpdate.get("kidb"));
    images().values().forEach(i -> assertThat(i.get("status").asString()).isEqualTo("current"));
    create("sib2", "kidb");
    assertThat(cat("sib2", "/etc/motd")).isEqualTo("version 2\n");
    assertThat(cat("sib1", "/etc/motd"))
        .as("an old session keeps its image")
        .isEqualTo("version 1\n");

    // An edited Dockerfile: the sources changed since the last build.
    Files.writeString(
        kida.resolve("Dockerfile"),
        Files.readString(kida.resolve("Dockerfile")) + "ENV EDITED=1\n");
    JsonNode edited = images().get("kida");
    assertThat(edited.get("status").asString()).isEqualTo("outdated");
    assertThat(edited.get("outdatedBecause").toString())
        .isEqualTo("[\"sources changed since its last build\"]");
    assertThat(images().get("kidb").get("status").asString()).isEqualTo("current");
    Run named = ok("update", "kida", "--progress", "plain");
    assertThat(named.out()).containsPattern("(?m)^kida +[0-9a-f]{12} .* built$");
    assertThat(images().get("kida").get("status").asString()).isEqualTo("current");
  }

  /** {@code --no-cache} still rebuilds everything, as {@code update} did by default before. */
  @Test
  void updateWithNoCacheRebuildsEverything() throws IOException {
    parent();
    child("kida");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
    env = Map.of("BERTH_URL", berth.url(), "BERTH_TOKEN", berth.adminToken);
    ok("images", "build", "--progress", "plain");
    Map<String, String> built = imageIds();
    Run update = ok("update", "--no-cache", "--progress", "plain");
    assertThat(update.out())
        .containsPattern("(?m)^base +[0-9a-f]{12} .* built$")
        .containsPattern("(?m)^kida +[0-9a-f]{12} .* built$");
    for (String t : List.of("base", "kida")) {
      assertThat(imageIds().get(t)).as(t).isNotEqualTo(built.get(t));
    }
    Run both = berth("update", "--cache", "--no-cache");
    assertThat(both.code()).isEqualTo(1);
    assertThat(both.err()).contains("--cache and --no-cache contradict each other");
  }
}
