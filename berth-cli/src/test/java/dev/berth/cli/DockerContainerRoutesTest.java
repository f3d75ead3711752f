package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A session's containers through a real server on a real engine: the executor starts the manual
 * containers a run names (and refuses an unknown one before anything is made), the containers route
 * lists each with its state, one is started or stopped alone (the admin's), exec and logs take a
 * container, and the delete's receipt lists every container.
 */
class DockerContainerRoutesTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TEMPLATE =
      """
      containers:
        processor:
          shell: echo processing; echo data > in.txt; exec sleep infinity
        plugin-a:
          start: manual
          after: [processor]
          shell: until [ -f in.txt ]; do sleep 0.1; done; tr a-z A-Z < in.txt > a.txt; exec sleep infinity
        plugin-b:
          start: manual
          shell: echo b > b.txt; exec sleep infinity
      """;

  @TempDir Path home;
  private final String prefix = "bctr" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  private TestServer berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void setUp() throws Exception {
    Path dir = Files.createDirectories(home.resolve("templates/runs"));
    Files.writeString(dir.resolve("template.yaml"), TEMPLATE);
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
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

  private Run cli(String... args) {
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    var env = Map.of("BERTH_URL", berth.url(), "BERTH_TOKEN", berth.adminToken);
    int code =
        BerthCli.run(
            args, env, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static String newId() {
    return "run-" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  }

  private Map<String, String> states(String id, String token) {
    Response r = berth.call("GET", "/api/v1/sessions/" + id + "/containers", token, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    Map<String, String> out = new LinkedHashMap<>();
    r.json().forEach(c -> out.put(c.get("type").asString(), c.get("state").asString()));
    return out;
  }

  private Response exec(String id, String container, String line) {
    return berth.admin(
        "POST",
        "/api/v1/sessions/" + id + "/exec",
        TestServer.JSON.writeValueAsString(Map.of("command", line, "container", container)));
  }

  private String read(String id, String file) {
    Response r = exec(id, "session", "cat " + file + " 2>/dev/null");
    return r.json().get("stdout").asString();
  }

  @Test
  void anUnknownContainerInARunIsRefusedBeforeAnythingIsMade() {
    String id = newId();
    Response r =
        berth.admin(
            "POST", "/executor/" + id, "{\"template\": \"runs\", \"containers\": [\"plugin-z\"]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.text())
        .contains("[plugin-z]")
        .contains("processor, plugin-a, plugin-b")
        .contains("Nothing was made");
    assertThat(berth.admin("GET", "/api/v1/sessions/" + id, null).status()).isEqualTo(404);
    assertThat(DockerCli.system().run("ps", "-aq", "--filter", "label=berth.session=" + id))
        .isEmpty();
    assertThat(
            berth
                .admin("POST", "/executor/" + id, "{\"template\": \"runs\", \"containers\": []}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void aRunStartsTheContainersItNamesAndEachIsListedStartedStoppedAndReachedAlone() {
    String id = newId();
    Response created =
        berth.admin(
            "POST",
            "/executor/" + id,
            "{\"template\": \"runs\", \"containers\": [\"processor\", \"plugin-a\"]}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String token = created.json().get("token").asString();
    JsonNode listed = created.json().get("containers");
    assertThat(listed).hasSize(4);
    await().atMost(Duration.ofSeconds(20)).until(() -> read(id, "a.txt").equals("DATA\n"));
    assertThat(states(id, token))
        .as("the session's own token lists them too")
        .containsExactly(
            Map.entry("session", "running"),
            Map.entry("processor", "running"),
            Map.entry("plugin-a", "running"),
            Map.entry("plugin-b", "missing"));

    // exec and logs per container
    Response inPlugin = exec(id, "plugin-a", "echo $BERTH_CONTAINER");
    assertThat(inPlugin.json().get("stdout").asString()).isEqualTo("plugin-a\n");
    Response nowhere = exec(id, "plugin-z", "true");
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.text()).contains("'plugin-z'").contains("plugin-b");
    Response logs =
        berth.admin("GET", "/api/v1/sessions/" + id + "/logs?container=processor", null);
    assertThat(logs.status()).isEqualTo(200);
    assertThat(logs.text()).contains("processing");

    // one container alone: the admin's, not the session token's
    String base = "/api/v1/sessions/" + id + "/containers/";
    assertThat(berth.call("POST", base + "plugin-b/start", token, null).status()).isEqualTo(403);
    Response started = berth.admin("POST", base + "plugin-b/start", null);
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> read(id, "b.txt").equals("b\n"));
    Response stopped = berth.admin("POST", base + "plugin-a/stop", null);
    assertThat(stopped.status()).as(stopped.toString()).isEqualTo(200);
    assertThat(states(id, token))
        .containsEntry("plugin-a", "stopped")
        .containsEntry("plugin-b", "running")
        .containsEntry("processor", "running");
    assertThat(berth.admin("POST", base + "plugin-z/start", null).status()).isEqualTo(404);

    // the same through the CLI
    Run list = cli("session", "containers", id);
    assertThat(list.code()).as(list.toString()).isZero();
    assertThat(list.out())
        .containsPattern("TYPE +NAME +STATE +DETAIL")
        .containsPattern("plugin-a +" + prefix + "-plugin-a-\\S+ +stopped")
        .containsPattern("plugin-b +" + prefix + "-plugin-b-\\S+ +running");
    Run again = cli("session", "container", "start", id, "plugin-a");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).containsPattern("plugin-a +\\S+ +running");
    Run inA = cli("session", "exec", id, "--container", "plugin-a", "--", "echo $BERTH_CONTAINER");
    assertThat(inA.out()).as(inA.toString()).isEqualTo("plugin-a\n");
    Run logTail = cli("session", "logs", id, "-c", "processor");
    assertThat(logTail.out()).as(logTail.toString()).contains("processing");
    Run unknown = cli("session", "container", "stop", id, "plugin-z");
    assertThat(unknown.code()).isNotZero();
    assertThat(unknown.err()).contains("has no container 'plugin-z'");
    assertThat(berth.admin("POST", base + "session/stop", null).status()).isEqualTo(400);

    // a stopped session's container is not started alone
    assertThat(berth.admin("POST", "/api/v1/sessions/" + id + "/stop", null).status())
        .isEqualTo(200);
    Response refused = berth.admin("POST", base + "plugin-a/start", null);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text()).contains("once the session is RUNNING");

    Response deleted = berth.admin("DELETE", "/executor/" + id, null);
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    StringBuilder removed = new StringBuilder();
    deleted
        .json()
        .get("removed")
        .forEach(r -> removed.append(r.get("name").asString()).append(' '));
    for (String type : new String[] {"session", "processor", "plugin-a", "plugin-b"}) {
      assertThat(removed.toString()).as(type).contains(prefix + "-" + type + "-");
    }
    assertThat(DockerCli.system().run("ps", "-aq", "--filter", "label=berth.session=" + id))
        .isEmpty();
  }
}
