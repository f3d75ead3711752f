package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Template images end to end on a real engine, through the CLI and the REST API of a real server:
 * builds with progress and a summary, a failed build, {@code images ls}, the project skeleton
 * (never overwriting), read-only shared files, {@code update} reporting and {@code --restart-idle}
 * keeping data, family errors, and a real Python HTTP server from a Debian-based image.
 */
class DockerImagesTest {
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
    prefix = "bimg" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    templates = Files.createDirectories(home.resolve("templates"));
  }

  private void start() {
    start(Map.of());
  }

  private void start(Map<String, String> extraEnv) {
    var serverEnv = new java.util.HashMap<>(extraEnv);
    serverEnv.put("BERTH_PREFIX", prefix);
    berth = new TestServer(home, serverEnv, "docker");
    env = Map.of("BERTH_URL", berth.url(), "BERTH_TOKEN", berth.adminToken);
  }

  @AfterEach
  void tearDown() throws Exception {
    String instance = "";
    if (berth != null) {
      berth.close();
      instance = Files.readString(home.resolve("instance.id")).strip();
    }
    DebianBase.run(
        120,
        "sh",
        "-c",
        "docker rm -f $(docker ps -aq --filter name="
            + prefix
            + "-) 2>/dev/null; docker network rm $(docker network ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; docker volume rm $(docker volume ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; docker rmi -f $(docker images -q --filter reference='"
            + prefix
            + "/*') 2>/dev/null; "
            + (instance.isEmpty()
                ? ""
                : "docker rmi -f $(docker images -q --filter label=berth.image.instance="
                    + instance
                    + ") 2>/dev/null; ")
            + "true");
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

  private static Path examples() {
    return Path.of("..", "examples", "offline-templates").toAbsolutePath().normalize();
  }

  /** Copies an offline example into the templates directory, links included. */
  private Path example(String name, String as) throws IOException {
    Path from = examples().resolve(name);
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
    return to;
  }

  private JsonNode images() {
    Run ls = berth("images", "ls", "--json");
    assertThat(ls.code()).as(ls.toString()).isZero();
    return TestServer.JSON.readTree(ls.out());
  }

  private JsonNode image(String template) {
    for (JsonNode i : images()) {
      if (i.get("template").asString().equals(template)) {
        return i;
      }
    }
    throw new AssertionError("no image row for " + template + " in " + images());
  }

  private JsonNode create(String id, String template) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions",
            "{\"id\": \"" + id + "\", \"template\": \"" + template + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().at("/session/status").asString()).as(r.toString()).isEqualTo("RUNNING");
    return r.json().get("session");
  }

  private JsonNode session(String id) {
    return berth.admin("GET", "/api/v1/sessions/" + id, null).json();
  }

  private String file(String id, String path) {
    Response r = berth.admin("GET", "/api/v1/sessions/" + id + "/files/" + path, null);
    assertThat(r.status()).as(id + ":" + path + " " + r).isEqualTo(200);
    return r.text();
  }

  private void put(String id, String path, String content) {
    Response r =
        berth.admin("PUT", "/api/v1/sessions/" + id + "/files/" + path, content.getBytes(UTF_8));
    assertThat(r.status()).as(r.toString()).isLessThan(300);
  }

  private JsonNode exec(String id, String line) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions/" + id + "/exec",
            TestServer.JSON.writeValueAsString(Map.of("command", line)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private void childOf(String parent, String name) throws IOException {
    Path child = Files.createDirectories(templates.resolve(name));
    Files.writeString(
        child.resolve("template.yaml"), "parent: " + parent + "\nbuild: {network: none}\n");
    String arg = "BERTH_IMAGE_" + parent.toUpperCase().replace('-', '_');
    Files.writeString(
        child.resolve("Dockerfile"),
        "ARG " + arg + "\nFROM ${" + arg + "}\nCOPY note.txt /note.txt\n");
    Files.writeString(child.resolve("note.txt"), "child\n");
  }

  @Test
  void buildsWithProgressListsImagesAndAFailedBuildKeepsTheOldImage() throws IOException {
    Path bbox = example("busybox", "bbox");
    childOf("bbox", "bchild");
    start();
    assertThat(image("bbox").get("reference").asString()).isEmpty();

    Run build = berth("images", "build", "bchild", "--progress", "plain");
    assertThat(build.code()).as(build.toString()).isZero();
    assertThat(build.out())
        .contains("building 2 image(s) in this order: bbox, bchild")
        .contains("[bbox] image 1 of 2")
        .contains("[bbox] Step 1/")
        .contains("[bchild] image 2 of 2")
        .containsPattern("(?m)^IMAGE +TAG +SIZE +TIME +RESULT$")
        .containsPattern("(?m)^bbox +[0-9a-f]{12} +[0-9.]+ [KM]iB +[0-9.]+s +built$")
        .containsPattern("(?m)^bchild +[0-9a-f]{12} .* built$");
    JsonNode built = image("bbox");
    assertThat(built.get("reference").asString()).matches(prefix + "/bbox:[0-9a-f]{12}");
    assertThat(image("bchild").get("uses").toString()).isEqualTo("[\"bbox\"]");

    Files.writeString(
        bbox.resolve("Dockerfile"),
        Files.readString(bbox.resolve("Dockerfile"))
            + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo compiling the libraries; exit 3\"]\n");
    Run failed = berth("images", "build", "--progress", "plain");
    assertThat(failed.code()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.err()).contains("failed: the build of 'bbox' failed");
    assertThat(failed.out())
        .containsPattern("build of 'bbox' failed at Step \\d+/\\d+ : RUN .*: .*non-zero code: 3")
        .contains("  compiling the libraries")
        .containsPattern("(?m)^bchild +- +- +- +skipped$")
        .contains("its previous image is kept");
    assertThat(image("bbox").get("imageId").asString()).isEqualTo(built.get("imageId").asString());
    // The build component was removed from the context again.
    assertThat(bbox.resolve("bin/busybox")).doesNotExist();
  }

  @Test
  void sessionsGetTheSkeletonReadOnlySharedFilesAndUpdateRestartsOnlyIdleOnesKeepingData()
      throws Exception {
    Path bbox = example("busybox", "bbox");
    Path idle = Files.createDirectories(templates.resolve("bbox-idle"));
    Files.writeString(idle.resolve("template.yaml"), "parent: bbox\nidleTimeout: 1s\n");
    Files.createDirectories(templates.resolve("files"));
    Files.writeString(templates.resolve("files/data.csv"), "id,value\n1,42\n");
    // idle1 must be idle (1 s) yet still running when `update` looks at it: a periodic reconcile
    // pass would cull it first on a slow machine, so only the start-up pass runs here.
    start(Map.of("BERTH_RECONCILE_INTERVAL", "1h"));
    assertThat(berth("images", "build", "bbox").code()).isZero();
    String v1 = image("bbox").get("imageId").asString();

    create("idle1", "bbox-idle");
    create("busy1", "bbox");
    for (String id : new String[] {"idle1", "busy1"}) {
      assertThat(session(id).at("/resources/imageId").asString()).isEqualTo(v1);
      // The project skeleton seeded the new workspace...
      assertThat(file(id, "index.html")).contains("project skeleton");
      // ...and the shared files are there, read-only.
      assertThat(exec(id, "cat /files/data.csv").get("stdout").asString()).contains("1,42");
      assertThat(exec(id, "echo $BERTH_FILES").get("stdout").asString()).isEqualTo("/files\n");
      JsonNode write = exec(id, "echo x > /files/new.csv");
      assertThat(write.get("exitCode").asInt()).isNotZero();
      assertThat(write.get("stderr").asString()).contains("Read-only file system");
      put(id, "notes/mine.txt", "my data in " + id);
    }
    put("idle1", "index.html", "edited by the user");
    Files.writeString(bbox.resolve("skeleton/added-later.txt"), "new in the skeleton\n");
    assertThat(templates.resolve("files/new.csv")).doesNotExist();

    // A new build of bbox: both sessions now run an outdated image.
    Files.writeString(bbox.resolve("etc/motd"), "version 2\n");
    assertThat(berth("images", "build", "bbox").code()).isZero();
    JsonNode listed = image("bbox");
    assertThat(listed.get("imageId").asString()).isNotEqualTo(v1);
    assertThat(listed.get("sessions").asInt()).isEqualTo(2);
    assertThat(listed.get("outdatedSessions").asInt()).isEqualTo(2);

    // idle1's template gives it a 1 s idle window; busy1's falls back to --idle-after (1h).
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Instant.parse(session("idle1").get("lastActivityAt").asString())
                    .plusSeconds(1)
                    .isBefore(Instant.now()));
    Run update =
        berth(
            "update",
            "bbox",
            "--cache",
            "--restart-idle",
            "--idle-after",
            "1h",
            "--progress",
            "plain");
    assertThat(update.code()).as(update.toString()).isZero();
    assertThat(update.out())
        .containsPattern("(?m)^bbox +[0-9a-f]{12} .* cached$")
        .contains("2 live session(s) run an outdated image")
        .containsPattern("(?m)^busy1 +bbox +RUNNING +no +kept +active: .*")
        .containsPattern(
            "(?m)^idle1 +bbox-idle +RUNNING +yes +restarted +restarted on the new image");

    String v2 = image("bbox").get("imageId").asString();
    JsonNode restarted = session("idle1");
    assertThat(restarted.get("status").asString()).isEqualTo("RUNNING");
    assertThat(restarted.get("desired").asString())
        .as("it still wants to run, so the reconciler leaves it running")
        .isEqualTo("RUNNING");
    assertThat(restarted.at("/resources/imageId").asString()).isEqualTo(v2);
    assertThat(exec("idle1", "cat /etc/motd").get("stdout").asString()).isEqualTo("version 2\n");
    // The workspace volume was kept: the user's files are there, the skeleton overwrote nothing
    // and added only what was missing.
    assertThat(file("idle1", "notes/mine.txt")).isEqualTo("my data in idle1");
    assertThat(file("idle1", "index.html")).isEqualTo("edited by the user");
    assertThat(file("idle1", "added-later.txt")).isEqualTo("new in the skeleton\n");
    assertThat(session("busy1").at("/resources/imageId").asString()).isEqualTo(v1);
    assertThat(image("bbox").get("outdatedSessions").asInt()).isEqualTo(1);

    // New sessions always get the newest image.
    create("fresh1", "bbox");
    assertThat(session("fresh1").at("/resources/imageId").asString()).isEqualTo(v2);
    assertThat(file("fresh1", "added-later.txt")).isEqualTo("new in the skeleton\n");
  }

  @Test
  void aSessionOfTheDebianTemplateServesPythonsHttpServerFromItsImage() throws Exception {
    DebianBase.ensure();
    example("python-web", "pyweb");
    start();
    Run build = berth("images", "build", "pyweb");
    assertThat(build.code()).as(build.toString()).isZero();

    JsonNode s = create("web1", "pyweb");
    String endpoint = s.at("/endpoints/8000").asString();
    assertThat(endpoint)
        .matches("http://\\d+\\.\\d+\\.\\d+\\.\\d+:8000/")
        .doesNotStartWith("http://127.");
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint + "/index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Served by Python's http.server");
    assertThat(page.headers().firstValue("Server").orElse("")).contains("Python/3");
  }

  @Test
  void aMissingLocalBaseIsNamedWithHowToMakeItWithoutTryingARegistry() throws IOException {
    Path web = example("python-web", "pyweb");
    String missing = "local/berth-missing-" + prefix + ":bookworm";
    Files.writeString(
        web.resolve("Dockerfile"),
        Files.readString(web.resolve("Dockerfile"))
            .replace("FROM local/debian-python3:bookworm", "FROM " + missing));
    start();

    Run build = berth("images", "build", "pyweb", "--progress", "plain");

    assertThat(build.code()).as(build.toString()).isEqualTo(1);
    assertThat(build.out())
        .contains("base image '" + missing + "' (Dockerfile line 1: FROM " + missing + ")")
        .contains("is not on this engine, and Berth never pulls")
        .contains("debootstrap, then docker import")
        .contains("it had no image before, so it has none now")
        .doesNotContain("previous image is kept")
        .doesNotContain("no such host")
        .doesNotContain("pull access denied");
  }

  @Test
  void cyclesAndMissingParentsAreErrorsThatNameTheTemplates() throws IOException {
    for (String[] t : new String[][] {{"ca", "CB"}, {"cb", "CA"}, {"cm", "NOPE"}}) {
      Path dir = Files.createDirectories(templates.resolve(t[0]));
      Files.writeString(dir.resolve("template.yaml"), "description: broken family\n");
      Files.writeString(dir.resolve("Dockerfile"), "FROM ${BERTH_IMAGE_" + t[1] + "}\n");
    }
    start();
    Run build = berth("images", "build", "--progress", "plain");
    assertThat(build.code()).isEqualTo(1);
    assertThat(build.err())
        .contains("image dependency cycle: ca -> cb -> ca")
        .contains(
            "template 'cm' Dockerfile line 1 (FROM ${BERTH_IMAGE_NOPE}) uses the image of 'nope'")
        .contains("(HTTP 400)");
    Response typo = berth.admin("POST", "/api/v1/images/builds", "{\"templatez\": [\"ca\"]}");
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.text()).contains("unknown key 'templatez'");
    assertThat(berth.admin("GET", "/api/v1/images/builds/build-99", null).status()).isEqualTo(404);
    Run unknown = berth("images", "build", "nosuch");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("unknown template 'nosuch'").contains("(HTTP 404)");
    berth.close();
    berth = null;

    // A parent named in template.yaml that does not exist: Berth starts, skips that template and
    // says why, naming both.
    Path orphan = Files.createDirectories(templates.resolve("orphan"));
    Files.writeString(orphan.resolve("template.yaml"), "parent: ghost\n");
    start();
    assertThat(berth.startupOutput)
        .contains("template 'orphan' does not load, skipped")
        .contains("template 'orphan' names parent 'ghost'");
  }
}
