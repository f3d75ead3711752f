package dev.berth.mcp;

import static dev.berth.mcp.McpHttpTest.connect;
import static dev.berth.mcp.McpHttpTest.error;
import static dev.berth.mcp.McpHttpTest.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The container tools over the wire (the official MCP Java SDK client over Streamable HTTP) on a
 * real server, on the local backend, which runs a template's {@code containers:} as host processes
 * and starts and stops one alone: what they change is read back through REST, and what they refuse
 * is refused with the REST routes' own messages.
 */
class McpContainersTest {
  @TempDir Path home;
  private TestServer berth;
  private final List<McpSyncClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path dir = Files.createDirectories(home.resolve("templates/pipe"));
    Files.writeString(
        dir.resolve("template.yaml"),
        """
        shell: "echo main-says-hi; exec sleep 600"
        containers:
          worker:
            shell: "echo worker-says-hi; exec sleep 600"
          inspector:
            start: manual
            shell: "echo inspector-says-hi; exec sleep 600"
        """);
    berth = new TestServer(home);
  }

  @AfterEach
  void stop() {
    clients.forEach(McpSyncClient::closeGracefully);
    berth.close();
  }

  private McpSyncClient client(String token) {
    McpSyncClient c = connect(berth.url(), token);
    clients.add(c);
    return c;
  }

  /** Creates a session of the pipe template over REST and returns its token. */
  private String create(String id) {
    TestServer.Response r =
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"" + id + "\", \"template\": \"pipe\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("token").asString();
  }

  /** Each container's state as REST lists them. */
  private Map<String, String> states(String id) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode c : berth.admin("GET", "/api/v1/sessions/" + id + "/containers", null).json()) {
      out.put(c.get("type").asString(), c.get("state").asString());
    }
    return out;
  }

  /** The message of REST's error answer, after checking its status. */
  private String restError(String method, String path, int status) {
    TestServer.Response r = berth.admin(method, path, null);
    assertThat(r.status()).as(method + " " + path + " -> " + r).isEqualTo(status);
    return r.json().get("error").get("message").asString();
  }

  private static Map<String, Object> on(String id, String container) {
    return Map.of("session_id", id, "container", container);
  }

  @Test
  void startsAndStopsOneContainerAloneAndReadsEachOnesOutput() {
    McpSyncClient admin = client(berth.adminToken);
    create("pipe-1");
    assertThat(states("pipe-1"))
        .containsExactly(
            Map.entry("session", "running"),
            Map.entry("worker", "running"),
            Map.entry("inspector", "missing"));

    assertThat(ok(admin, "session_start_container", on("pipe-1", "inspector")))
        .contains("\"type\" : \"inspector\"", "\"state\" : \"running\"");
    assertThat(states("pipe-1")).containsEntry("inspector", "running");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ok(admin, "session_logs", on("pipe-1", "inspector")))
                    .contains("inspector-says-hi"));
    assertThat(ok(admin, "session_logs", on("pipe-1", "inspector")))
        .doesNotContain("main-says-hi")
        .doesNotContain("worker-says-hi");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ok(admin, "session_logs", Map.of("session_id", "pipe-1")))
                    .as("the main container's output by default")
                    .contains("main-says-hi")
                    .doesNotContain("worker-says-hi")
                    .doesNotContain("inspector-says-hi"));

    assertThat(ok(admin, "session_stop_container", on("pipe-1", "worker")))
        .contains("\"type\" : \"worker\"", "\"state\" : \"stopped\"");
    assertThat(states("pipe-1"))
        .containsExactly(
            Map.entry("session", "running"),
            Map.entry("worker", "stopped"),
            Map.entry("inspector", "running"));
    assertThat(berth.admin("GET", "/api/v1/sessions/pipe-1", null).json().get("status").asString())
        .isEqualTo("RUNNING");
    assertThat(ok(admin, "session_logs", on("pipe-1", "worker")))
        .as("a stopped container's output is still there")
        .contains("worker-says-hi");
    assertThat(ok(admin, "session_info", Map.of("session_id", "pipe-1")))
        .contains("\"type\" : \"worker\"", "\"state\" : \"stopped\"");
  }

  @Test
  void refusalsAreToolErrorsWithTheRestRoutesMessages() {
    McpSyncClient admin = client(berth.adminToken);
    create("pipe-2");
    String base = "/api/v1/sessions/pipe-2/containers/";

    assertThat(error(admin, "session_start_container", on("pipe-2", "ghost")))
        .isEqualTo(restError("POST", base + "ghost/start", 404))
        .contains("no container 'ghost'; its containers: session, worker, inspector");
    assertThat(error(admin, "session_stop_container", on("pipe-2", "ghost")))
        .isEqualTo(restError("POST", base + "ghost/stop", 404));
    assertThat(error(admin, "session_logs", on("pipe-2", "ghost")))
        .isEqualTo(restError("GET", "/api/v1/sessions/pipe-2/logs?container=ghost", 404));
    assertThat(error(admin, "session_start_container", on("pipe-2", "session")))
        .isEqualTo(restError("POST", base + "session/start", 400))
        .contains("starts and stops with its session");
    assertThat(error(admin, "session_stop_container", on("pipe-2", "session")))
        .isEqualTo(restError("POST", base + "session/stop", 400));
    assertThat(error(admin, "session_start_container", on("ghost", "worker")))
        .isEqualTo(restError("POST", "/api/v1/sessions/ghost/containers/worker/start", 404));
    assertThat(states("pipe-2"))
        .as("nothing refused changed anything")
        .containsExactly(
            Map.entry("session", "running"),
            Map.entry("worker", "running"),
            Map.entry("inspector", "missing"));

    // REST's 409 for a session that is not RUNNING (the same CONFLICT a backend that cannot start
    // one container alone answers, as Kubernetes does) is the tool's error, word for word.
    berth.admin("POST", "/api/v1/sessions/pipe-2/stop", null);
    assertThat(error(admin, "session_start_container", on("pipe-2", "inspector")))
        .isEqualTo(restError("POST", base + "inspector/start", 409))
        .contains("is STOPPED");
    assertThat(error(admin, "session_stop_container", on("pipe-2", "worker")))
        .isEqualTo(restError("POST", base + "worker/stop", 409));
    assertThat(states("pipe-2")).containsEntry("inspector", "missing");
  }

  @Test
  void aSessionTokenReadsItsOwnLogsButStartsAndStopsNothing() {
    String tokenA = create("pipe-a");
    create("pipe-b");
    McpSyncClient a = client(tokenA);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ok(a, "session_logs", Map.of("container", "worker")))
                    .as("its own session, session_id left out")
                    .contains("worker-says-hi"));
    assertThat(error(a, "session_start_container", on("pipe-a", "inspector")))
        .contains("needs the admin token");
    assertThat(error(a, "session_stop_container", on("pipe-a", "worker")))
        .contains("needs the admin token");
    assertThat(error(a, "session_logs", on("pipe-b", "worker"))).isEqualTo("no session 'pipe-b'");
    assertThat(error(a, "session_start_container", on("pipe-b", "inspector")))
        .isEqualTo("no session 'pipe-b'");
    assertThat(error(a, "session_stop_container", on("pipe-b", "worker")))
        .isEqualTo("no session 'pipe-b'");
    assertThat(states("pipe-a"))
        .containsEntry("worker", "running")
        .containsEntry("inspector", "missing");
    assertThat(states("pipe-b"))
        .containsEntry("worker", "running")
        .containsEntry("inspector", "missing");
  }
}
