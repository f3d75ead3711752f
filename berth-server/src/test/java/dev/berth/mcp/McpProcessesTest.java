package dev.berth.mcp;

import static dev.berth.mcp.McpHttpTest.error;
import static dev.berth.mcp.McpHttpTest.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background processes and progress over the wire: the official MCP Java SDK's client over
 * Streamable HTTP against a real server on the local backend.
 */
class McpProcessesTest {
  private static final Pattern STARTED = Pattern.compile("started process (p\\d+) ");
  private static final Pattern NEXT = Pattern.compile("--- next offset (\\d+)");
  private static final String HEAD = " bytes) ---\n";

  @TempDir Path home;
  private TestServer berth;
  private final List<McpSyncClient> clients = new ArrayList<>();
  private final List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
  private final ExecutorService caller = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeEach
  void start() {
    berth = new TestServer(home);
  }

  @AfterEach
  void stop() {
    clients.forEach(McpSyncClient::closeGracefully);
    caller.shutdownNow();
    berth.close();
  }

  /** A client whose progress notifications land in {@link #progress}. */
  private McpSyncClient client(String token) {
    var transport =
        HttpClientStreamableHttpTransport.builder(berth.url())
            .endpoint("/mcp")
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) ->
                    builder.header("Authorization", "Bearer " + token))
            .build();
    var client =
        McpClient.sync(transport)
            .clientInfo(Implementation.builder("berth-test", "1").build())
            .requestTimeout(Duration.ofSeconds(60))
            .progressConsumer(progress::add)
            .build();
    client.initialize();
    clients.add(client);
    return client;
  }

  private static String create(McpSyncClient admin, String id) {
    String created = ok(admin, "session_create", Map.of("id", id));
    return TestServer.JSON.readTree(created).get("token").asString();
  }

  private static String background(McpSyncClient c, Map<String, Object> args) {
    Map<String, Object> all = new java.util.HashMap<>(args);
    all.put("background", true);
    String answer = ok(c, "session_exec", all);
    Matcher m = STARTED.matcher(answer);
    assertThat(m.find()).as(answer).isTrue();
    return m.group(1);
  }

  /** One read from {@code offset}, waiting up to 10 s for new output. */
  private static String read(McpSyncClient c, String session, String pid, long offset) {
    return ok(
        c,
        "session_process_output",
        Map.of("session_id", session, "process_id", pid, "offset", offset, "wait", 10));
  }

  private static String outputOf(String read) {
    int start = read.indexOf(HEAD);
    return start < 0
        ? ""
        : read.substring(start + HEAD.length(), read.lastIndexOf("\n--- next offset "));
  }

  private static long next(String read) {
    Matcher m = NEXT.matcher(read);
    assertThat(m.find()).as(read).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aBackgroundProcessIsReadFromOffsetsWrittenToAndKilled() {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "bg");
    String pid =
        background(
            admin,
            Map.of(
                "session_id",
                "bg",
                "command",
                "echo first; while [ ! -e go ]; do sleep 0.05; done; echo second"));

    String read = read(admin, "bg", pid, 0);
    assertThat(outputOf(read)).isEqualTo("first\n");
    assertThat(read).contains("is running");
    long offset = next(read);
    assertThat(offset).isEqualTo(6);
    ok(admin, "session_write_file", Map.of("session_id", "bg", "path", "go", "content", ""));
    StringBuilder rest = new StringBuilder();
    do {
      read = read(admin, "bg", pid, offset);
      rest.append(outputOf(read));
      offset = next(read);
    } while (!read.contains("all its output is read"));
    assertThat(rest.toString())
        .as("from offset 6: nothing again, nothing lost")
        .isEqualTo("second\n");
    assertThat(read).contains("has ended with exit code 0");

    String cat =
        background(admin, Map.of("session_id", "bg", "command", "cat", "open_stdin", true));
    ok(
        admin,
        "session_process_write",
        Map.of("session_id", "bg", "process_id", cat, "input", "through cat\n"));
    assertThat(outputOf(read(admin, "bg", cat, 0))).isEqualTo("through cat\n");

    assertThat(ok(admin, "session_process_kill", Map.of("session_id", "bg", "process_id", cat)))
        .endsWith("has ended with exit code -1 (killed through MCP)");
    var status = berth.admin("GET", "/api/v1/sessions/bg/processes/" + cat, null).json();
    assertThat(status.get("state").asString()).isEqualTo("exited");
    assertThat(status.get("endedBy").asString()).isEqualTo("killed through MCP");
    assertThat(ok(admin, "session_process_list", Map.of("session_id", "bg")))
        .contains(pid + " (echo first;", cat + " (cat) has ended with exit code -1");
  }

  @Test
  void aForegroundCommandSendsProgressWithItsOutputLinesBeforeItsResult() throws Exception {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "fg");
    var request =
        CallToolRequest.builder("session_exec")
            .arguments(
                Map.of(
                    "session_id",
                    "fg",
                    "command",
                    "echo compiling; while [ ! -e go ]; do sleep 0.05; done; echo linked"))
            .progressToken("exec-1")
            .build();
    // Not on the common pool: with two cores it has one thread, which the SDK's client needs too.
    CompletableFuture<CallToolResult> result =
        CompletableFuture.supplyAsync(() -> admin.callTool(request), caller);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(progress).anyMatch(n -> n.message().contains("compiling")));
    assertThat(result).as("progress came while the command still ran").isNotDone();
    assertThat(progress).allMatch(n -> n.progressToken().equals("exec-1"));

    var put = berth.admin("PUT", "/api/v1/sessions/fg/files/go", new byte[0]);
    assertThat(put.status()).isEqualTo(201);
    CallToolResult answer = result.get(30, TimeUnit.SECONDS);
    assertThat(McpHttpTest.text(answer)).contains("exit code: 0", "compiling\nlinked\n");
    assertThat(progress.stream().map(ProgressNotification::progress).toList()).isSorted();

    int before = progress.size();
    ok(admin, "session_exec", Map.of("session_id", "fg", "command", "echo quiet"));
    assertThat(progress).as("no progressToken, no progress").hasSize(before);
  }

  @Test
  void anotherSessionsProcessIsNotFound() {
    McpSyncClient admin = client(berth.adminToken);
    String tokenA = create(admin, "pa");
    create(admin, "pb");
    String theirs = background(admin, Map.of("session_id", "pb", "command", "sleep 600"));
    McpSyncClient a = client(tokenA);

    assertThat(error(a, "session_process_output", Map.of("process_id", theirs)))
        .startsWith("session 'pa' has no process '" + theirs + "'");
    assertThat(error(a, "session_process_kill", Map.of("session_id", "pb", "process_id", theirs)))
        .contains("no session 'pb'");
    assertThat(error(a, "session_process_write", Map.of("process_id", theirs, "input", "x")))
        .contains("has no process");
    assertThat(read(admin, "pb", theirs, 0)).as("still running").contains("is running");
    String mine = background(a, Map.of("command", "echo mine"));
    assertThat(outputOf(read(a, "pa", mine, 0))).isEqualTo("mine\n");
  }
}
