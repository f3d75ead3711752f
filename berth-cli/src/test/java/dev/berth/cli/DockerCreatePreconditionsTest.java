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
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's mistake makes nothing: on a real Docker engine, a create whose template's image is not
 * built, or names an image the engine does not have, is refused with a 422 that says what to run,
 * and leaves no registry row, token, event, container, volume or network under its id; the same id
 * works once the mistake is fixed. {@code --build} (CLI) and {@code "build": true} (API) build the
 * missing image first, the CLI showing the build's progress; a start that fails keeps the session
 * and says how to remove it.
 */
class DockerCreatePreconditionsTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path home;
  private Path templates;
  private String prefix;
  private TestServer berth;
  private Map<String, String> env;
  private final DockerCli docker = DockerCli.system();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void setUp() throws IOException {
    prefix = "bpre" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    templates = Files.createDirectories(home.resolve("templates"));
    example("busybox", "bbox");
    example("busybox", "bbapi");
    Path named = Files.createDirectories(templates.resolve("named"));
    Files.writeString(
        named.resolve("template.yaml"), "image: " + prefix + "/named:1\ncommand: [sleep, '600']\n");
    Path broken = Files.createDirectories(templates.resolve("broken"));
    Files.writeString(
        broken.resolve("template.yaml"),
        "parent: bbox\nshell: echo 'missing config' >&2; exit 4\n"
            + "probe: {tcp: 8080, startTimeout: 5s}\n");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
    env = Map.of("BERTH_URL", berth.url(), "BERTH_TOKEN", berth.adminToken);
  }

  @AfterEach
  void tearDown() {
    if (berth != null) {
      berth.close();
    }
    docker.removeEverything(prefix);
    for (String image :
        docker.run("images", "-q", "--filter", "reference=" + prefix + "/*").split("\n")) {
      if (!image.isBlank()) {
        docker.tryRun("rmi", "-f", image.strip());
      }
    }
  }

  private void example(String name, String as) throws IOException {
    Path from = Path.of("..", "examples", "offline-templates", name).toAbsolutePath().normalize();
    Path to = templates.resolve(as);
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

  private Run berth(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private Response create(String body) {
    return berth.admin("POST", "/api/v1/sessions", body);
  }

  private String instance() {
    try {
      return Files.readString(home.resolve("instance.id")).strip();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Rows under {@code id} in the registry: sessions (any status), tokens, events. */
  private Map<String, Integer> rows(String id) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("berth.db"))) {
      for (var q :
          Map.of(
                  "sessions", "select count(*) from sessions where id = ?",
                  "tokens", "select count(*) from tokens where session_id = ?",
                  "events", "select count(*) from events where session_id = ?")
              .entrySet()) {
        try (var st = c.prepareStatement(q.getValue())) {
          st.setString(1, id);
          try (var rs = st.executeQuery()) {
            rs.next();
            out.put(q.getKey(), rs.getInt(1));
          }
        }
      }
    }
    return out;
  }

  /** Nothing anywhere under {@code id}: registry, API, engine. */
  private void assertNothingUnder(String id) throws SQLException {
    assertThat(rows(id))
        .as("registry rows of " + id)
        .containsOnly(Map.entry("sessions", 0), Map.entry("tokens", 0), Map.entry("events", 0));
    assertThat(berth.admin("GET", "/api/v1/sessions/" + id, null).status()).isEqualTo(404);
    assertThat(berth.admin("GET", "/api/v1/sessions/" + id + "/events", null).status())
        .isEqualTo(404);
    assertThat(docker.owned(instance()).sessions()).as("engine resources").doesNotContain(id);
    assertThat(docker.run("ps", "-a", "--filter", "name=" + prefix + "-", "--format", "{{.Names}}"))
        .as("containers of this installation")
        .isEmpty();
    assertThat(docker.run("volume", "ls", "-q", "--filter", "name=" + prefix + "-"))
        .as("volumes of this installation")
        .isEmpty();
  }

  @Test
  void anUnbuiltImageIsRefusedLeavingNothingAndCreateBuildBuildsItShowingProgress()
      throws SQLException {
    Response refused = create("{\"id\": \"pre1\", \"template\": \"bbox\"}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.json().at("/error/code").asString()).isEqualTo("image_not_built");
    assertThat(refused.json().at("/error/message").asString())
        .contains("template 'bbox' has no built image")
        .contains("berth images build bbox")
        .contains("\"build\": true")
        .contains("--build");
    assertThat(refused.json().at("/error/templates/0").asString()).isEqualTo("bbox");
    assertNothingUnder("pre1");

    Run plain = berth("session", "create", "--id", "pre1", "-t", "bbox");
    assertThat(plain.code()).as(plain.toString()).isNotZero();
    assertThat(plain.err()).contains("berth images build bbox").contains("--build");
    assertThat(plain.out()).as("no token is printed").doesNotContain("session token");
    assertNothingUnder("pre1");

    Run built = berth("session", "create", "--id", "pre1", "-t", "bbox", "--build");
    assertThat(built.code()).as(built.toString()).isZero();
    assertThat(built.err()).contains("building it (berth images build --cache bbox)");
    assertThat(built.out())
        .as("the build's progress, line by line (no terminal here)")
        .contains("building 1 image(s) in this order: bbox")
        .contains("[bbox] image 1 of 1")
        .contains("[bbox] BUILT " + prefix + "/bbox:")
        .contains("RUNNING")
        .contains("session token");
    assertThat(berth.admin("GET", "/api/v1/sessions/pre1", null).json().get("status").asString())
        .isEqualTo("RUNNING");
  }

  @Test
  void apiBuildTrueBuildsTheImageFirstAndReportsTheJob() {
    Response r = create("{\"id\": \"pre2\", \"template\": \"bbapi\", \"build\": true}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().at("/session/status").asString()).isEqualTo("RUNNING");
    assertThat(r.json().at("/build/state").asString()).isEqualTo("succeeded");
    assertThat(r.json().at("/build/results/0/template").asString()).isEqualTo("bbapi");
    String job = r.json().at("/build/id").asString();
    assertThat(berth.admin("GET", "/api/v1/images/builds/" + job, null).json().get("log"))
        .as("the job is an ordinary image job, its log readable")
        .isNotEmpty();
    Response again = create("{\"id\": \"pre2b\", \"template\": \"bbapi\", \"build\": true}");
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json().has("build")).as("nothing to build the second time").isFalse();
  }

  @Test
  void aNamedImageMissingFromTheEngineIsRefusedLeavingNothingAndTheIdWorksOnceItIsThere()
      throws SQLException {
    Response refused = create("{\"id\": \"pre3\", \"template\": \"named\"}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.json().at("/error/code").asString()).isEqualTo("precondition_failed");
    assertThat(refused.json().at("/error/message").asString())
        .contains(prefix + "/named:1")
        .contains("not on the Docker engine")
        .contains("never pulls");
    assertNothingUnder("pre3");
    Response warm = create("{\"id\": \"pre3\", \"template\": \"named\", \"start\": false}");
    assertThat(warm.status()).as("a warm create needs the image too: " + warm).isEqualTo(422);
    assertNothingUnder("pre3");

    assertThat(create("{\"id\": \"seed\", \"template\": \"bbox\", \"build\": true}").status())
        .isEqualTo(201);
    docker.run("tag", prefix + "/bbox:latest", prefix + "/named:1");
    Response ok = create("{\"id\": \"pre3\", \"template\": \"named\"}");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    assertThat(ok.json().at("/session/status").asString()).isEqualTo("RUNNING");
  }

  @Test
  void aStartThatFailsKeepsTheSessionAndSaysHowToRemoveIt() {
    assertThat(create("{\"id\": \"seed\", \"template\": \"bbox\", \"build\": true}").status())
        .isEqualTo(201);
    Response failed = create("{\"id\": \"pre4\", \"template\": \"broken\"}");
    assertThat(failed.status()).as(failed.toString()).isEqualTo(201);
    assertThat(failed.json().at("/session/status").asString()).isEqualTo("FAILED");
    assertThat(failed.json().at("/error/message").asString())
        .contains("kept")
        .contains("DELETE /api/v1/sessions/pre4")
        .contains("berth session rm pre4");

    Run cli = berth("session", "create", "--id", "pre5", "-t", "broken");
    assertThat(cli.code()).as(cli.toString()).isNotZero();
    assertThat(cli.out()).contains("FAILED");
    assertThat(cli.err()).contains("session pre5 failed").contains("berth session rm pre5");
    assertThat(berth("session", "rm", "pre5").code()).isZero();
  }
}
