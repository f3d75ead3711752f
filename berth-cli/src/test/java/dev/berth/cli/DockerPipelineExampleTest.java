package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The shipped {@code examples/offline-templates/pipeline} as it is, on a real engine through a real
 * server's executor endpoints: its three typed containers run on Berth's default image with nothing
 * pulled, the merger's result is in the workspace when the create answers, every container reads
 * the read-only template volume, and the delete's receipt lists each container, the volume and the
 * session's links network, leaving the template's volume for the next run.
 */
class DockerPipelineExampleTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path home;
  private final String prefix = "bpipe" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  private TestServer berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
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

  /** Copies the example as shipped into the server's templates directory. */
  private void shipped(String name) throws Exception {
    Path from = Path.of("..", "examples", "offline-templates", name).toAbsolutePath().normalize();
    Path to = home.resolve("templates").resolve(name);
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

  private JsonNode exec(String id, String line) {
    Response r =
        berth.admin(
            "POST",
            "/api/v1/sessions/" + id + "/exec",
            TestServer.JSON.writeValueAsString(Map.of("command", line)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void thePipelineExampleRunsOfflineAndItsDeleteListsEveryContainer() throws Exception {
    shipped("pipeline");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
    String id = "run-" + Integer.toString(RANDOM.nextInt(1 << 20), 36);

    Response created = berth.admin("POST", "/executor/" + id, "{\"template\": \"pipeline\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().at("/session/status").asString()).isEqualTo("RUNNING");

    Response result = berth.admin("GET", "/api/v1/sessions/" + id + "/files/result.txt", null);
    assertThat(result.status()).as(result.toString()).isEqualTo(200);
    assertThat(result.text())
        .as("the merger's result, from the plugin's transform of the processor's file")
        .isEqualTo("merged by the merger:\nHELLO FROM THE PROCESSOR\n");

    // The main container reaches the plugin by its type name; the template volume is read-only.
    JsonNode fetched = exec(id, "wget -qO- http://plugin:8080/out.txt");
    assertThat(fetched.get("stdout").asString()).isEqualTo("HELLO FROM THE PROCESSOR\n");
    JsonNode conf = exec(id, "cat $BERTH_TEMPLATE_FILES/pipeline.conf");
    assertThat(conf.get("stdout").asString()).contains("INPUT=\"hello from the processor\"");
    assertThat(exec(id, "echo x > /template/x").get("exitCode").asInt())
        .as("a write into the template volume fails")
        .isNotZero();

    // The browser proxy reaches the plugin's declared port with the session's own token; a port
    // the plugin does not declare is the primary app's path, and this session has no app.
    String token = created.json().get("token").asString();
    Response proxied = berth.call("GET", "/s/" + id + "/c/plugin/port/8080/out.txt", token, null);
    assertThat(proxied.status()).as(proxied.toString()).isEqualTo(200);
    assertThat(proxied.text()).isEqualTo("HELLO FROM THE PROCESSOR\n");
    assertThat(berth.call("GET", "/s/" + id + "/c/plugin/port/8080", token, null).status())
        .as("without its slash: redirected to it")
        .isEqualTo(308);
    assertThat(berth.call("GET", "/s/" + id + "/c/plugin/port/9090/x", token, null).status())
        .isEqualTo(404);
    assertThat(berth.call("GET", "/s/" + id + "/c/plugin/port/8080/out.txt", null, null).status())
        .as("not without a credential")
        .isNotEqualTo(200);

    Map<String, String> byType = new java.util.TreeMap<>();
    for (String line :
        DockerCli.system()
            .run(
                "ps",
                "-a",
                "--filter",
                "label=berth.session=" + id,
                "--format",
                "{{.Label \"berth.type\"}} {{.Names}} {{.State}}")
            .split("\n")) {
      String[] f = line.split(" ");
      assertThat(f[2]).as(line).isEqualTo("running");
      byType.put(f[0], f[1]);
    }
    assertThat(byType.keySet()).containsExactly("merger", "plugin", "processor", "session");
    // on the default shared network every name is opaque: <prefix>-<type>-<16 hex>
    byType.forEach((type, name) -> assertThat(name).matches(prefix + "-" + type + "-[0-9a-f]{16}"));

    Response deleted = berth.admin("DELETE", "/executor/" + id, null);
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    List<String> removed = new ArrayList<>();
    deleted
        .json()
        .get("removed")
        .forEach(r -> removed.add(r.get("kind").asString() + " " + r.get("name").asString()));
    assertThat(removed)
        .contains(
            "volume " + prefix + "-pipeline-" + id, "network " + prefix + "-net-pipeline-" + id);
    byType.values().forEach(name -> assertThat(removed).contains("container " + name));
    assertThat(DockerCli.system().run("ps", "-aq", "--filter", "label=berth.session=" + id))
        .isEmpty();

    JsonNode volumes = berth.admin("GET", "/api/v1/template-volumes", null).json();
    assertThat(volumes).hasSize(1);
    assertThat(volumes.get(0).get("name").asString()).matches(prefix + "-pipeline-[0-9a-f]{12}");
    assertThat(volumes.get(0).get("current").asBoolean())
        .as("the template's volume outlives the run, for the next one")
        .isTrue();
    assertThat(volumes.get(0).get("usedBy")).isEmpty();
    String first = volumes.get(0).get("name").asString();

    // The template's files change: the old copy is no longer current, and gc takes it (a dry run
    // first, which removes nothing).
    Path settings = home.resolve("templates/pipeline/files/pipeline.conf");
    Files.writeString(settings, Files.readString(settings) + "# changed\n");
    Response reloaded = berth.admin("POST", "/api/v1/templates/reload", null);
    assertThat(reloaded.status()).as(reloaded.toString()).isEqualTo(200);
    JsonNode dry = berth.admin("POST", "/api/v1/gc?grace=0s&dryRun=true", null).json();
    assertThat(dry.get("templateVolumes")).hasSize(1);
    assertThat(dry.at("/templateVolumes/0/name").asString()).isEqualTo(first);
    assertThat(DockerCli.system().run("volume", "ls", "-q", "--filter", "name=" + first))
        .as("a dry run removes nothing")
        .isEqualTo(first);
    JsonNode gc = berth.admin("POST", "/api/v1/gc?grace=0s", null).json();
    assertThat(gc.at("/templateVolumes/0/name").asString()).isEqualTo(first);
    assertThat(gc.at("/templateVolumes/0/removed").asBoolean()).isTrue();
    assertThat(DockerCli.system().run("volume", "ls", "-q", "--filter", "name=" + first)).isEmpty();
    assertThat(berth.admin("GET", "/api/v1/template-volumes", null).json()).isEmpty();
  }
}
