package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nonRoot: true} on a real Docker engine: a session whose user would be uid 0 (the
 * template's, else the image's {@code USER}) is refused with a 422 before anything is made, and one
 * with a numeric non-root user (the template's or the image's) runs as that uid.
 */
class DockerNonRootTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path home;
  private Path templates;
  private String prefix;
  private TestServer berth;
  private final DockerCli docker = DockerCli.system();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void setUp() throws IOException {
    prefix = "bnr" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    templates = Files.createDirectories(home.resolve("templates"));
    template("rootdefault", "nonRoot: true\n");
    template("rootuser", "nonRoot: true\nuser: \"0:0\"\n");
    template("byname", "nonRoot: true\nuser: nobody\n");
    template("numeric", "nonRoot: true\nuser: \"1000:1000\"\n");
    template("rootallowed", "user: \"0\"\n");
    imageTemplate("imageuser", "USER 1000:1000");
    imageTemplate("imageroot", "USER root");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
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

  private void template(String name, String yaml) throws IOException {
    Path dir = Files.createDirectories(templates.resolve(name));
    Files.writeString(dir.resolve("template.yaml"), yaml);
  }

  /** The offline busybox example, with {@code user} as its Dockerfile's last instruction. */
  private void imageTemplate(String name, String user) throws IOException {
    Path from =
        Path.of("..", "examples", "offline-templates", "busybox").toAbsolutePath().normalize();
    Path to = templates.resolve(name);
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
    Files.writeString(
        to.resolve("Dockerfile"),
        "FROM scratch\nCOPY bin/ /bin/\nENV PATH=/bin\n"
            + user
            + "\nCMD [\"sleep\", \"infinity\"]\n");
    Files.writeString(
        to.resolve("template.yaml"),
        "build:\n  components: {bin/busybox: /bin/busybox}\n  network: none\nnonRoot: true\n");
  }

  private Response create(String id, String template) {
    return berth.admin(
        "POST",
        "/api/v1/sessions",
        "{\"id\": \"" + id + "\", \"template\": \"" + template + "\", \"build\": true}");
  }

  private void assertRefusedAndNothingMade(String id, String template, String... message) {
    Response r = create(id, template);
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.errorCode()).isEqualTo("precondition_failed");
    assertThat(r.text()).contains("requires a non-root user (nonRoot: true)").contains(message);
    assertThat(berth.admin("GET", "/api/v1/sessions/" + id, null).status()).isEqualTo(404);
    assertThat(docker.run("ps", "-aq", "--filter", "label=berth.session=" + id)).isBlank();
    assertThat(docker.run("volume", "ls", "-q", "--filter", "label=berth.session=" + id)).isBlank();
  }

  private String uidIn(String id) {
    Response exec =
        berth.admin("POST", "/api/v1/sessions/" + id + "/exec", "{\"command\": \"id -u\"}");
    assertThat(exec.status()).as(exec.toString()).isEqualTo(200);
    return exec.json().get("stdout").asString().strip();
  }

  @Test
  void aRootUserIsRefusedBeforeAnythingIsMade() {
    assertRefusedAndNothingMade("nr1", "rootdefault", "its image sets no user", "runs as root");
    assertRefusedAndNothingMade("nr2", "rootuser", "its user '0:0' runs as root");
    assertRefusedAndNothingMade("nr3", "byname", "'nobody' is a name", "uid[:gid]");
    assertRefusedAndNothingMade("nr4", "imageroot", "its image's user 'root' runs as root");
  }

  @Test
  void aNumericNonRootUserRunsAsThatUid() {
    Response own = create("nr5", "numeric");
    assertThat(own.status()).as(own.toString()).isEqualTo(201);
    assertThat(uidIn("nr5")).isEqualTo("1000");

    Response image = create("nr6", "imageuser");
    assertThat(image.status()).as(image.toString()).isEqualTo(201);
    assertThat(image.json().at("/session/status").asString()).isEqualTo("RUNNING");
    assertThat(uidIn("nr6")).as("the image's USER").isEqualTo("1000");

    Response root = create("nr7", "rootallowed");
    assertThat(root.status()).as("without nonRoot, root stays allowed: " + root).isEqualTo(201);
    assertThat(uidIn("nr7")).isEqualTo("0");
  }
}
