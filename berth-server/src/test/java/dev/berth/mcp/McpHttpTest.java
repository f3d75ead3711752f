package dev.berth.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real MCP client (the official Java SDK) over Streamable HTTP against a real server on the local
 * backend. The Docker module's wiring runs the same tests on a real engine by overriding {@link
 * #newServer}.
 */
public class McpHttpTest {
  @TempDir protected Path home;
  protected TestServer berth;
  private final List<McpSyncClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    berth = newServer(Map.of("BERTH_EXEC_MAX_OUTPUT_BYTES", "1k"));
  }

  /** The server under test, with these extra environment settings. */
  protected TestServer newServer(Map<String, String> env) throws Exception {
    return new TestServer(home, env);
  }

  protected String expectedBackend() {
    return "local";
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(McpSyncClient::closeGracefully);
    berth.close();
    afterServerClosed();
  }

  /** For subclasses that must clean up after the server (e.g. Docker leftovers). */
  protected void afterServerClosed() throws Exception {}

  static McpSyncClient connect(String url, String token) {
    var transport =
        HttpClientStreamableHttpTransport.builder(url)
            .endpoint("/mcp")
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) -> {
                  if (token != null) {
                    builder.header("Authorization", "Bearer " + token);
                  }
                })
            .build();
    var client =
        McpClient.sync(transport)
            .clientInfo(Implementation.builder("berth-test", "1").build())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }

  private McpSyncClient client(String token) {
    McpSyncClient c = connect(berth.url(), token);
    clients.add(c);
    return c;
  }

  static CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
    return c.callTool(CallToolRequest.builder(tool).arguments(args).build());
  }

  static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  static String ok(McpSyncClient c, String tool, Map<String, Object> args) {
    CallToolResult r = call(c, tool, args);
    assertThat(r.isError()).as(tool + " " + args + " -> " + text(r)).isFalse();
    return text(r);
  }

  /**
   * A read, write or edit that succeeded, its answer without the file's version line, which must be
   * its last ('[version: ' and 32 hex digits).
   */
  static String okVersioned(McpSyncClient c, String tool, Map<String, Object> args) {
    String answer = ok(c, tool, args);
    assertThat(answer).as("the answer ends with the file's version").containsPattern(VERSION_LINE);
    return VERSION_LINE.matcher(answer).replaceFirst("");
  }

  static final java.util.regex.Pattern VERSION_LINE =
      java.util.regex.Pattern.compile("\n\\[version: [0-9a-f]{32}]$");

  static String error(McpSyncClient c, String tool, Map<String, Object> args) {
    CallToolResult r = call(c, tool, args);
    assertThat(r.isError()).as(tool + " " + args + " should fail; got " + text(r)).isTrue();
    return text(r);
  }

  /** Creates a session through MCP and returns its token. */
  private String create(McpSyncClient admin, String id) {
    String created = ok(admin, "session_create", Map.of("id", id));
    assertThat(created).contains("\"status\" : \"RUNNING\"");
    return TestServer.JSON.readTree(created).get("token").asString();
  }

  @Test
  void theAdvertisedLoggingCapabilityLogsFailedToolCallsAtTheLevelTheClientSet() {
    // The SDK advertises 'logging' for every server; Berth logs each failed tool call with it.
    List<LoggingMessageNotification> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    var transport =
        HttpClientStreamableHttpTransport.builder(berth.url())
            .endpoint("/mcp")
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) ->
                    builder.header("Authorization", "Bearer " + berth.adminToken))
            .build();
    McpSyncClient c =
        McpClient.sync(transport)
            .clientInfo(Implementation.builder("berth-test", "1").build())
            .requestTimeout(Duration.ofSeconds(60))
            .loggingConsumer(logged::add)
            .build();
    clients.add(c);
    c.initialize();
    assertThat(c.getServerCapabilities().logging()).isNotNull();
    c.setLoggingLevel(LoggingLevel.DEBUG);

    ok(c, "session_list", Map.of()); // a call that works logs nothing
    error(c, "session_info", Map.of("session_id", "nosuch"));
    // The notification travels on the call's own stream, before its result.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !logged.isEmpty());
    LoggingMessageNotification line = logged.getFirst();
    assertThat(line.level()).isEqualTo(LoggingLevel.WARNING);
    assertThat(line.logger()).isEqualTo("berth.tools");
    assertThat(line.data()).startsWith("session_info failed: ").contains("nosuch");

    // At 'error' the client no longer hears about refusals; back at 'debug' it does again.
    c.setLoggingLevel(LoggingLevel.ERROR);
    error(c, "session_info", Map.of("session_id", "quiet"));
    c.setLoggingLevel(LoggingLevel.DEBUG);
    error(c, "session_info", Map.of("session_id", "loud"));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> logged.size() >= 2);
    assertThat(logged)
        .extracting(LoggingMessageNotification::data)
        .noneMatch(d -> d.contains("quiet"));
    assertThat(logged.get(1).data()).contains("loud");
  }

  @Test
  void toolsAreListedWithSchemasAndTruthfulAnnotations() {
    McpSyncClient admin = client(berth.adminToken);
    List<Tool> tools = admin.listTools().tools();
    assertThat(tools)
        .extracting(Tool::name)
        .containsExactlyInAnyOrder(
            "session_create",
            "session_list",
            "session_info",
            "session_apps",
            "session_preview_link",
            "session_delete",
            "session_token",
            "session_logs",
            "session_start_container",
            "session_stop_container",
            "session_read_file",
            "session_write_file",
            "session_edit_file",
            "session_list_directory",
            "session_search",
            "session_glob",
            "session_delete_file",
            "session_move_file",
            "session_make_directory",
            "session_changes",
            "session_exec",
            "session_process_output",
            "session_process_write",
            "session_process_kill",
            "session_process_list");
    Map<String, Tool> byName = new HashMap<>();
    tools.forEach(t -> byName.put(t.name(), t));
    for (Tool t : tools) {
      assertThat(t.inputSchema().get("type")).as(t.name()).isEqualTo("object");
      assertThat(t.description()).as(t.name()).isNotBlank();
      assertThat(t.annotations()).as(t.name()).isNotNull();
    }
    assertThat(byName.get("session_read_file").annotations().readOnlyHint()).isTrue();
    assertThat(byName.get("session_search").annotations().readOnlyHint()).isTrue();
    assertThat(byName.get("session_delete").annotations().destructiveHint()).isTrue();
    assertThat(byName.get("session_token").annotations().destructiveHint()).isTrue();
    assertThat(byName.get("session_token").annotations().idempotentHint()).isFalse();
    assertThat(byName.get("session_write_file").annotations().readOnlyHint()).isFalse();
    assertThat(byName.get("session_make_directory").annotations().idempotentHint()).isTrue();
    assertThat(byName.get("session_make_directory").annotations().destructiveHint()).isFalse();
    assertThat(byName.get("session_exec").annotations().openWorldHint()).isTrue();
    assertThat(byName.get("session_logs").annotations().readOnlyHint()).isTrue();
    assertThat(byName.get("session_start_container").annotations().destructiveHint()).isTrue();
    assertThat(byName.get("session_stop_container").annotations().idempotentHint()).isTrue();
  }

  @Test
  void everyToolWorksOnTheLocalBackend() {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "work");
    Map<String, Object> s = Map.of("session_id", "work");

    assertThat(ok(admin, "session_list", Map.of())).contains("\"session_id\" : \"work\"");
    assertThat(ok(admin, "session_info", s))
        .contains("\"backend\" : \"" + expectedBackend() + "\"")
        .contains("\"life\" : {", "\"explanation\" : \"not used since it was created")
        .contains("no idle timeout; no max lifetime", "\"cull_action\" : \"stop\"");
    assertThat(
            ok(
                admin,
                "session_write_file",
                with(s, "path", "src/app.py", "content", "a = 1\nb = 2\na = 1\n")))
        .contains("wrote 18 bytes");
    assertThat(okVersioned(admin, "session_read_file", with(s, "path", "src/app.py")))
        .isEqualTo("     1\ta = 1\n     2\tb = 2\n     3\ta = 1\n");
    assertThat(ok(admin, "session_info", s))
        .as("tool calls count as activity, and session_info says so")
        .containsPattern("\"explanation\" : \"active (just now|\\d+ s ago) via mcp");
    assertThat(
            okVersioned(
                admin, "session_read_file", with(s, "path", "src/app.py", "offset", 2, "limit", 1)))
        .startsWith("     2\tb = 2\n")
        .contains("[lines 2-2 of 3; call again with offset=3 for more]");

    String ambiguous =
        error(
            admin,
            "session_edit_file",
            with(s, "path", "src/app.py", "old_string", "a = 1", "new_string", "a = 9"));
    assertThat(ambiguous).contains("matches 2 times");
    assertThat(
            error(
                admin,
                "session_edit_file",
                with(s, "path", "src/app.py", "old_string", "zzz", "new_string", "y")))
        .contains("not found");
    assertThat(
            ok(
                admin,
                "session_edit_file",
                with(
                    s,
                    "path",
                    "src/app.py",
                    "old_string",
                    "a = 1",
                    "new_string",
                    "a = 9",
                    "replace_all",
                    true)))
        .contains("2 replacements");
    error(
        admin,
        "session_edit_file",
        with(
            s,
            "path",
            "src/app.py",
            "edits",
            List.of(
                Map.of("old_string", "b = 2", "new_string", "b = 3"),
                Map.of("old_string", "nope", "new_string", "x"))));
    assertThat(okVersioned(admin, "session_read_file", with(s, "path", "src/app.py")))
        .as("a failed batch changes nothing")
        .isEqualTo("     1\ta = 9\n     2\tb = 2\n     3\ta = 9\n");
    ok(
        admin,
        "session_edit_file",
        with(
            s,
            "path",
            "src/app.py",
            "edits",
            List.of(
                Map.of("old_string", "b = 2", "new_string", "b = 3"),
                Map.of("old_string", "a = 9\nb", "new_string", "a = 0\nb"))));
    assertThat(okVersioned(admin, "session_read_file", with(s, "path", "src/app.py")))
        .isEqualTo("     1\ta = 0\n     2\tb = 3\n     3\ta = 9\n");

    ok(admin, "session_make_directory", with(s, "path", "docs/notes"));
    ok(
        admin,
        "session_write_file",
        with(s, "path", "docs/notes/todo.md", "content", "- TODO: ship\n"));
    assertThat(ok(admin, "session_list_directory", with(s, "depth", 3)))
        .contains(
            "d docs/",
            "d docs/notes/",
            "f docs/notes/todo.md (13 bytes)",
            "f src/app.py (18 bytes)");
    assertThat(ok(admin, "session_search", with(s, "pattern", "TODO|b = ")))
        .contains("docs/notes/todo.md:1:- TODO: ship", "src/app.py:2:b = 3");
    assertThat(ok(admin, "session_search", with(s, "pattern", "TODO", "glob", "*.py")))
        .startsWith("no matches");
    assertThat(
            ok(admin, "session_search", with(s, "pattern", ".", "path", "src", "max_results", 1)))
        .contains("src/app.py:1:a = 0", "[stopped at max_results");

    ok(admin, "session_move_file", with(s, "from", "docs/notes/todo.md", "to", "todo.md"));
    assertThat(error(admin, "session_read_file", with(s, "path", "docs/notes/todo.md")))
        .contains("no file");
    ok(admin, "session_delete_file", with(s, "path", "docs", "recursive", true));
    assertThat(ok(admin, "session_list_directory", s)).doesNotContain("docs");

    String exec =
        ok(admin, "session_exec", with(s, "command", "cat todo.md; echo err >&2; exit 3"));
    assertThat(exec).contains("exit code: 3", "- TODO: ship", "err");
    String argv =
        ok(
            admin,
            "session_exec",
            with(
                s,
                "command",
                List.of("sh", "-c", "echo $X; pwd"),
                "cwd",
                "src",
                "env",
                Map.of("X", "hi")));
    assertThat(argv).contains("exit code: 0", "hi", "/src");
    String loud =
        ok(admin, "session_exec", with(s, "command", "head -c 5000 /dev/zero | tr '\\0' x"));
    assertThat(loud).contains("5000 bytes, first and last 1024 shown, 3976 omitted in the middle");
    assertThat(ok(admin, "session_exec", with(s, "command", "sleep 30", "timeout", 1)))
        .contains("timed out");

    ok(admin, "session_write_file", with(s, "path", "blob.bin", "content", "x\u0000y"));
    assertThat(error(admin, "session_read_file", with(s, "path", "blob.bin"))).contains("binary");

    assertThat(ok(admin, "session_delete", s)).contains("\"complete\" : true");
    assertThat(error(admin, "session_info", s)).contains("no session 'work'");
  }

  @Test
  void sessionCreateTakesAWarmPoolMemberAndSaysSo() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createDirectories(home.resolve("templates/quick"));
    java.nio.file.Files.writeString(dir.resolve("template.yaml"), "pool: {size: 1}\n");
    assertThat(berth.admin("POST", "/api/v1/templates/reload", null).status()).isEqualTo(200);
    org.awaitility.Awaitility.await("the pool fills")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                berth.admin("GET", "/api/v1/pools", null).json().get(0).get("ready").asInt() == 1);
    McpSyncClient admin = client(berth.adminToken);
    var created =
        TestServer.JSON.readTree(
            ok(admin, "session_create", Map.of("id", "agent-task", "template", "quick")));
    assertThat(created.get("pooled").asBoolean()).isTrue();
    assertThat(created.get("status").asString()).isEqualTo("RUNNING");
    var cold = TestServer.JSON.readTree(ok(admin, "session_create", Map.of("id", "agent-plain")));
    assertThat(cold.get("pooled").asBoolean()).isFalse();
  }

  @Test
  void errorsAreToolErrorsThatSayWhatToDo() {
    McpSyncClient admin = client(berth.adminToken);
    assertThat(error(admin, "session_info", Map.of("session_id", "ghost")))
        .contains("no session 'ghost'");
    assertThat(error(admin, "session_info", Map.of())).contains("session_id is required");
    assertThat(error(admin, "session_create", Map.of("template", "nope")))
        .contains("unknown template 'nope'");
    assertThat(error(admin, "session_create", Map.of("id", "Bad_Id")))
        .contains("invalid session id");
    create(admin, "errs");
    Map<String, Object> s = Map.of("session_id", "errs");
    assertThat(error(admin, "session_search", with(s, "pattern", "(")))
        .contains("invalid regular expression");
    assertThat(error(admin, "session_read_file", s)).containsIgnoringCase("path");
    ok(admin, "session_exec", with(s, "command", "true"));
    berth.admin("POST", "/api/v1/sessions/errs/stop", null);
    assertThat(error(admin, "session_exec", with(s, "command", "true"))).contains("STOPPED");
  }

  @Test
  void everyPathArgumentIsConfinedToTheWorkspace() throws Exception {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "jail");
    Map<String, Object> s = Map.of("session_id", "jail");
    Path secret = java.nio.file.Files.writeString(home.resolve("secret.txt"), "top secret");
    ok(admin, "session_exec", with(s, "command", "ln -s " + secret + " link && ln -s / rootlink"));
    List<Map<String, Object>> attacks =
        List.of(
            Map.of("tool", "session_read_file", "path", "../secret.txt"),
            Map.of("tool", "session_read_file", "path", "/etc/passwd"),
            Map.of("tool", "session_read_file", "path", "link"),
            Map.of("tool", "session_write_file", "path", "link", "content", "x"),
            Map.of("tool", "session_write_file", "path", "rootlink/tmp/x", "content", "x"),
            Map.of(
                "tool",
                "session_edit_file",
                "path",
                "link",
                "old_string",
                "top",
                "new_string",
                "x"),
            Map.of("tool", "session_list_directory", "path", "rootlink"),
            Map.of("tool", "session_list_directory", "path", ".."),
            Map.of(
                "tool",
                "session_search",
                "pattern",
                "secret",
                "path",
                "rootlink/" + home.toString().substring(1)),
            Map.of("tool", "session_delete_file", "path", "../secret.txt"),
            Map.of("tool", "session_move_file", "from", "link", "to", "../moved"),
            Map.of("tool", "session_move_file", "from", "../secret.txt", "to", "stolen"),
            Map.of("tool", "session_make_directory", "path", "rootlink/tmp/berth-escape"),
            Map.of("tool", "session_exec", "command", "true", "cwd", "rootlink"),
            Map.of("tool", "session_exec", "command", "true", "cwd", "../"));
    for (Map<String, Object> attack : attacks) {
      Map<String, Object> args = new HashMap<>(attack);
      String tool = (String) args.remove("tool");
      args.put("session_id", "jail");
      String message = error(admin, tool, args);
      assertThat(message)
          .as(tool + " " + args)
          .containsAnyOf("outside the workspace", "symbolic link");
      assertThat(message).doesNotContain("top secret");
    }
    assertThat(java.nio.file.Files.readString(secret)).isEqualTo("top secret");
    assertThat(home.resolve("moved")).doesNotExist();
  }

  @Test
  void aSessionTokenSeesAndTouchesOnlyItsSession() {
    McpSyncClient admin = client(berth.adminToken);
    String tokenA = create(admin, "sess-a");
    create(admin, "sess-b");
    McpSyncClient a = client(tokenA);

    assertThat(ok(a, "session_list", Map.of())).contains("sess-a").doesNotContain("sess-b");
    assertThat(ok(a, "session_info", Map.of())).as("session_id may be left out").contains("sess-a");
    ok(a, "session_write_file", Map.of("path", "mine.txt", "content", "a"));
    for (String tool :
        List.of(
            "session_info",
            "session_read_file",
            "session_write_file",
            "session_edit_file",
            "session_list_directory",
            "session_search",
            "session_glob",
            "session_delete_file",
            "session_move_file",
            "session_make_directory",
            "session_changes",
            "session_exec",
            "session_logs",
            "session_start_container",
            "session_stop_container",
            "session_delete")) {
      Map<String, Object> args = new HashMap<>(Map.of("session_id", "sess-b"));
      switch (tool) {
        case "session_read_file", "session_delete_file", "session_make_directory" ->
            args.put("path", "x");
        case "session_write_file" -> args.putAll(Map.of("path", "x", "content", "y"));
        case "session_edit_file" ->
            args.putAll(Map.of("path", "x", "old_string", "a", "new_string", "b"));
        case "session_search" -> args.put("pattern", "x");
        case "session_move_file" -> args.putAll(Map.of("from", "x", "to", "y"));
        case "session_exec" -> args.put("command", "true");
        case "session_start_container", "session_stop_container" -> args.put("container", "x");
        default -> {}
      }
      assertThat(error(a, tool, args)).as(tool).contains("no session 'sess-b'");
    }
    assertThat(error(a, "session_create", Map.of("id", "sess-c"))).contains("admin token");
    assertThat(error(a, "session_delete", Map.of("session_id", "sess-a"))).contains("admin token");
    assertThat(ok(admin, "session_list_directory", Map.of("session_id", "sess-b")))
        .isEqualTo("(empty)");
  }

  @Test
  void noOrABadTokenIsRefusedAtTheDoor() {
    assertThatThrownBy(() -> connect(berth.url(), null)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> connect(berth.url(), "berth_admin_forged"))
        .isInstanceOf(RuntimeException.class);
    TestServer.Response raw = berth.call("POST", "/mcp", null, "{}");
    assertThat(raw.status()).isEqualTo(401);
    assertThat(raw.errorCode()).isEqualTo("unauthorized");
  }

  @Test
  void twentyClientsEditingInFiveSessionsLoseNothing() throws Exception {
    McpSyncClient admin = client(berth.adminToken);
    List<String> tokens = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      tokens.add(create(admin, "conc-" + s));
    }
    int rounds = 15;
    List<Callable<Void>> workers = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      int clientNo = c;
      workers.add(
          () -> {
            McpSyncClient mine = connect(berth.url(), tokens.get(clientNo % 5));
            try {
              String path = "files/client-" + clientNo + ".txt";
              ok(mine, "session_write_file", Map.of("path", path, "content", "start\n"));
              for (int i = 0; i < rounds; i++) {
                ok(
                    mine,
                    "session_edit_file",
                    Map.of(
                        "path",
                        path,
                        "old_string",
                        "start\n",
                        "new_string",
                        "start\nedit " + i + "\n"));
              }
            } finally {
              mine.closeGracefully();
            }
            return null;
          });
    }
    try (var pool = Executors.newFixedThreadPool(20)) {
      for (Future<Void> f : pool.invokeAll(workers, 3, java.util.concurrent.TimeUnit.MINUTES)) {
        f.get();
      }
    }
    for (int c = 0; c < 20; c++) {
      String content =
          ok(
              admin,
              "session_read_file",
              Map.of("session_id", "conc-" + (c % 5), "path", "files/client-" + c + ".txt"));
      for (int i = 0; i < rounds; i++) {
        assertThat(content).as("client %d edit %d", c, i).contains("edit " + i + "\n");
      }
    }
  }

  /** The map plus alternating key/value pairs. */
  static Map<String, Object> with(Map<String, Object> base, Object... keyValues) {
    Map<String, Object> out = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put((String) keyValues[i], keyValues[i + 1]);
    }
    return out;
  }
}
