package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox: gvisor} through the whole server on the real engine: a session runs under runsc;
 * on an engine without the runtime Berth names (here: {@code dockerGvisorRuntime} set to a name no
 * engine has) the start-up output says so, a create is refused with 422 and how to add the runtime,
 * leaving no session row, token, event, container, volume or network, and a start of an existing
 * gVisor session is refused the same way and leaves it STOPPED.
 */
class DockerSandboxTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String MISSING = "berth-no-such-runtime";

  @TempDir Path home;
  private String prefix;
  private TestServer berth;
  private final DockerCli docker = DockerCli.system();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void setUp() throws IOException {
    prefix = "bsbx" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Path boxed = Files.createDirectories(home.resolve("templates/boxed"));
    Files.writeString(boxed.resolve("template.yaml"), "sandbox: gvisor\n");
  }

  @AfterEach
  void tearDown() {
    if (berth != null) {
      berth.close();
    }
    docker.removeEverything(prefix);
  }

  /** A server on this data directory; one already running is stopped first, its sessions kept. */
  private TestServer serve(String gvisorRuntime) {
    if (berth != null) {
      berth.server.close(); // not TestServer.close, which deletes every session
    }
    berth =
        new TestServer(
            home,
            Map.of("BERTH_PREFIX", prefix, "BERTH_DOCKER_GVISOR_RUNTIME", gvisorRuntime),
            "docker");
    return berth;
  }

  private String instance() throws IOException {
    return Files.readString(home.resolve("instance.id")).strip();
  }

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

  @Test
  void aTemplateAskingForARuntimeTheEngineLacksIsRefusedAndNothingIsMade()
      throws SQLException, IOException {
    serve(MISSING);
    assertThat(berth.startupOutput)
        .contains("template 'boxed' (sandbox: gvisor) cannot run on backend docker")
        .contains("'" + MISSING + "'");

    Response refused =
        berth.admin("POST", "/api/v1/sessions", "{\"id\":\"gv1\",\"template\":\"boxed\"}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.json().at("/error/code").asString()).isEqualTo("precondition_failed");
    assertThat(refused.json().at("/error/message").asString())
        .contains("nothing was made")
        .contains("no runtime of that name")
        .contains("/etc/docker/daemon.json")
        .contains("\"runtimeArgs\": [\"--network=host\"]")
        .contains("kill -HUP $(pidof dockerd)");
    assertThat(rows("gv1"))
        .as("registry rows")
        .containsOnly(Map.entry("sessions", 0), Map.entry("tokens", 0), Map.entry("events", 0));
    assertThat(berth.admin("GET", "/api/v1/sessions/gv1", null).status()).isEqualTo(404);
    assertThat(docker.owned(instance()).isEmpty()).as("containers, volumes, networks").isTrue();
    assertThat(docker.run("ps", "-a", "--filter", "name=" + prefix + "-", "--format", "{{.Names}}"))
        .isEmpty();
    assertThat(docker.run("volume", "ls", "-q", "--filter", "name=" + prefix + "-")).isEmpty();

    Response plain = berth.admin("POST", "/api/v1/sessions", "{\"id\":\"gv1\"}");
    assertThat(plain.status()).as("the same id, a runc template: " + plain).isEqualTo(201);
  }

  @Test
  void aGvisorSessionRunsUnderRunscAndItsStartIsRefusedWhereTheRuntimeIsGone() throws IOException {
    serve("runsc");
    Response made =
        berth.admin("POST", "/api/v1/sessions", "{\"id\":\"gv2\",\"template\":\"boxed\"}");
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    assertThat(made.json().at("/session/status").asString()).isEqualTo("RUNNING");
    // The name on the shared network is opaque (docs/docker.md): ask the session for it.
    String container = made.json().at("/session/resources/container").asString();
    assertThat(container).matches(prefix + "-session-[0-9a-f]{16}");
    assertThat(docker.run("inspect", "-f", "{{.HostConfig.Runtime}}", container).strip())
        .isEqualTo("runsc");
    Response dmesg = berth.admin("POST", "/api/v1/sessions/gv2/exec", "{\"command\":[\"dmesg\"]}");
    assertThat(dmesg.json().get("stdout").asString()).contains("gVisor");
    assertThat(berth.admin("POST", "/api/v1/sessions/gv2/stop", null).status()).isEqualTo(200);

    serve(MISSING); // the same installation, now naming a runtime the engine does not have
    Response start = berth.admin("POST", "/api/v1/sessions/gv2/start", null);
    assertThat(start.status()).as(start.toString()).isEqualTo(422);
    assertThat(start.json().at("/error/message").asString())
        .contains("cannot start session 'gv2'")
        .contains("kill -HUP");
    assertThat(berth.admin("GET", "/api/v1/sessions/gv2", null).json().get("status").asString())
        .isEqualTo("STOPPED");
    assertThat(docker.run("inspect", "-f", "{{.State.Status}}", container).strip())
        .as("the container is left as it was")
        .isEqualTo("exited");
  }
}
