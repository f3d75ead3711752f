package dev.berth.mcp;

import static dev.berth.mcp.McpHttpTest.error;
import static dev.berth.mcp.McpHttpTest.ok;
import static dev.berth.mcp.McpHttpTest.okVersioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's tools an agent can use well, over the wire (the official Java SDK's client over
 * Streamable HTTP) on the local backend; DockerMcpAgentToolsTest runs them on a real engine, where
 * exec, archives and listings take other paths.
 */
public class McpAgentToolsTest {
  @TempDir protected Path home;
  protected TestServer berth;
  private final List<McpSyncClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    berth = newServer(Map.of());
  }

  protected TestServer newServer(Map<String, String> env) throws Exception {
    return new TestServer(home, env);
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(McpSyncClient::closeGracefully);
    berth.close();
    afterServerClosed();
  }

  protected void afterServerClosed() throws Exception {}

  /** A Java SDK client with {@code token}, closed after the test. */
  protected McpSyncClient client(String token) {
    McpSyncClient c = McpHttpTest.connect(berth.url(), token);
    clients.add(c);
    return c;
  }

  private String create(McpSyncClient admin, String id) {
    String created = ok(admin, "session_create", Map.of("id", id));
    assertThat(created).contains("\"status\" : \"RUNNING\"");
    return TestServer.JSON.readTree(created).get("token").asString();
  }

  private static Map<String, Object> args(Object... pairs) {
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1]);
    }
    return out;
  }

  @Test
  void aSessionTokenIsOfferedOnlyWhatItCanCallAndSloppyArgumentsAreTolerated() {
    McpSyncClient admin = client(berth.adminToken);
    String token = create(admin, "agent");
    assertThat(admin.listTools().tools())
        .extracting(Tool::name)
        .contains("session_create", "session_delete", "session_glob", "session_apps");
    McpSyncClient agent = client(token);
    assertThat(agent.listTools().tools())
        .extracting(Tool::name)
        .doesNotContain(
            "session_create", "session_delete", "session_start_container", "session_stop_container")
        .contains("session_read_file", "session_exec", "session_glob", "session_apps");

    // null for an optional field, and fields of the model's own: the call runs, the answer names
    // what was ignored; the SDK's validator no longer refuses them in its own words.
    String ran =
        ok(
            agent,
            "session_exec",
            args("command", "echo hi", "timeout", null, "description", "greet", "cwd", null));
    assertThat(ran).contains("exit code: 0", "hi\n", "[ignored unknown argument description:");
    assertThat(error(agent, "session_exec", args("command", 5)))
        .isEqualTo("'command' must be a shell line (string) or an argv list of strings");
  }

  @Test
  void readsEditsAndFileToolsAnswerAsAnAgentNeeds() {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "files");
    Map<String, Object> s = Map.of("session_id", "files");
    ok(admin, "session_write_file", with(s, "path", "a.txt", "content", "1\n2\n3\n4\n5\n"));
    assertThat(okVersioned(admin, "session_read_file", with(s, "path", "a.txt", "offset", 4)))
        .isEqualTo("     4\t4\n     5\t5\n[lines 4-5 of 5; that is the end of the file]");
    assertThat(okVersioned(admin, "session_read_file", with(s, "path", "a.txt", "offset", 6)))
        .contains("has 5 lines: offset=6 is past its end");
    assertThat(
            okVersioned(
                admin,
                "session_edit_file",
                with(s, "path", "a.txt", "old_string", "3\n", "new_string", "three\n")))
        .endsWith("     1\t1\n     2\t2\n     3\tthree\n     4\t4\n     5\t5");
    assertThat(ok(admin, "session_search", with(s, "pattern", "^$")))
        .as("no phantom line after the trailing newline")
        .startsWith("no matches");
    ok(admin, "session_make_directory", with(s, "path", "d"));
    assertThat(ok(admin, "session_make_directory", with(s, "path", "d"))).contains("exists");
    assertThat(error(admin, "session_write_file", with(s, "path", "d/", "content", "x")))
        .contains("names a directory");
    ok(admin, "session_delete_file", with(s, "path", "a.txt"));
    assertThat(ok(admin, "session_delete_file", with(s, "path", "a.txt")))
        .contains("nothing to delete");
  }

  /**
   * Appends each of the ten clients makes in {@link #tenAgentsAppendingWithIfVersionLoseNothing}.
   */
  protected int appendsEach() {
    return 10;
  }

  @Test
  void tenAgentsAppendingWithIfVersionLoseNothing() throws Exception {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "race");
    Map<String, Object> s = Map.of("session_id", "race");
    ok(admin, "session_write_file", with(s, "path", "log.txt", "content", ""));
    int clientsCount = 10;
    List<McpSyncClient> agents = new ArrayList<>();
    for (int c = 0; c < clientsCount; c++) {
      agents.add(client(berth.adminToken));
    }
    var conflicts = new java.util.concurrent.atomic.AtomicInteger();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<?>> all = new ArrayList<>();
      for (int c = 0; c < clientsCount; c++) {
        McpSyncClient agent = agents.get(c);
        int client = c;
        all.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < appendsEach(); i++) {
                    conflicts.addAndGet(appendOnce(agent, s, "c" + client + "-" + i + "\n"));
                  }
                  return null;
                }));
      }
      for (var f : all) {
        f.get(5, java.util.concurrent.TimeUnit.MINUTES);
      }
    }
    String numbered = okVersioned(admin, "session_read_file", with(s, "path", "log.txt"));
    List<String> lines = unnumbered(numbered).lines().toList();
    assertThat(lines).hasSize(clientsCount * appendsEach()).doesNotHaveDuplicates();
    assertThat(conflicts.get()).as("conflicts were met and retried").isPositive();
  }

  /** Read, append, write with the version read; on a conflict read again. Returns the retries. */
  private static int appendOnce(McpSyncClient agent, Map<String, Object> s, String line) {
    for (int attempt = 0; attempt < 1000; attempt++) {
      String read = ok(agent, "session_read_file", with(s, "path", "log.txt"));
      var m = java.util.regex.Pattern.compile("\\[version: ([0-9a-f]{32})]$").matcher(read);
      assertThat(m.find()).as(read).isTrue();
      String before = unnumbered(McpHttpTest.VERSION_LINE.matcher(read).replaceFirst(""));
      var r =
          McpHttpTest.call(
              agent,
              "session_write_file",
              with(s, "path", "log.txt", "content", before + line, "if_version", m.group(1)));
      if (!r.isError()) {
        return attempt;
      }
      assertThat(McpHttpTest.text(r)).contains("changed since it was read");
    }
    throw new AssertionError("1000 conflicts in a row appending " + line);
  }

  /** The file's text from session_read_file's numbered lines ('[...]' notes left out). */
  private static String unnumbered(String numbered) {
    var out = new StringBuilder();
    for (String l : numbered.split("\n")) {
      int tab = l.indexOf('\t');
      if (tab > 0 && l.substring(0, tab).strip().matches("\\d+")) {
        out.append(l.substring(tab + 1)).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void execBudgetsOutputTakesStdinAndDoesNotWaitForABackgroundedChild() {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "exec");
    Map<String, Object> s = Map.of("session_id", "exec");
    assertThat(
            ok(
                admin,
                "session_exec",
                with(
                    s,
                    "command",
                    "echo START; head -c 5000 /dev/zero | tr '\\0' x; echo; echo END",
                    "max_output_bytes",
                    400)))
        .contains("5011 bytes, first and last 400 shown, 4611 omitted in the middle")
        .contains("START\n", "\nEND\n");
    assertThat(ok(admin, "session_exec", with(s, "command", List.of("cat"), "stdin", "fed\n")))
        .contains("--- stdout (4 bytes) ---\nfed\n");
    assertThat(ok(admin, "session_exec", with(s, "command", "no-such-program-x")))
        .startsWith("exit code: 127 (command not found");
    assertThat(ok(admin, "session_exec", with(s, "command", List.of("no-such-program-x"))))
        .startsWith("exit code: 127 (command not found");
    long t0 = System.nanoTime();
    assertThat(
            ok(admin, "session_exec", with(s, "command", "sleep 30 & echo started", "timeout", 25)))
        .contains("exit code: 0", "started")
        .doesNotContain("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("a child left running holds stdout open, but the call answers when the command ends")
        .isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void searchAndGlobSkipIgnoredFilesAndWorkRelativeToPath() {
    McpSyncClient admin = client(berth.adminToken);
    create(admin, "find");
    Map<String, Object> s = Map.of("session_id", "find");
    ok(
        admin,
        "session_exec",
        with(
            s,
            "command",
            "mkdir -p src/lib node_modules/m build && echo 'TODO a' > src/a.ts"
                + " && echo 'TODO b' > src/lib/b.ts && echo 'TODO m' > node_modules/m/i.ts"
                + " && echo 'TODO x' > build/x.ts && printf 'build/\\n' > .gitignore"
                + " && touch -t 202001010000 src/a.ts && touch -t 202101010000 src/lib/b.ts"));
    assertThat(ok(admin, "session_search", with(s, "pattern", "TODO")))
        .contains("src/a.ts:1:TODO a", "src/lib/b.ts:1:TODO b")
        .doesNotContain("node_modules", "build/");
    assertThat(
            ok(
                admin,
                "session_search",
                with(
                    s,
                    "pattern",
                    "todo",
                    "ignore_case",
                    true,
                    "output_mode",
                    "files",
                    "path",
                    "src",
                    "glob",
                    "**/*.ts")))
        .isEqualTo("src/lib/b.ts\nsrc/a.ts");
    assertThat(
            ok(
                admin,
                "session_search",
                with(s, "pattern", "TODO", "include_ignored", true, "output_mode", "count")))
        .contains("node_modules/m/i.ts:1", "build/x.ts:1");
    assertThat(ok(admin, "session_glob", with(s, "pattern", "**/*.ts")))
        .as("newest first, ignored skipped")
        .isEqualTo("src/lib/b.ts\nsrc/a.ts");
    assertThat(ok(admin, "session_glob", with(s, "pattern", "lib/*.ts", "path", "src")))
        .isEqualTo("src/lib/b.ts");
  }

  @Test
  void appsListsTheSessionsTemplateAndTheTemplates() {
    McpSyncClient admin = client(berth.adminToken);
    String token = create(admin, "apps");
    String apps = ok(client(token), "session_apps", Map.of());
    assertThat(apps).contains("\"session_id\" : \"apps\"", "\"templates\" : [");
  }

  /** A tool call's answer, asserting that it succeeded (for subclasses in other packages). */
  protected static String okCall(McpSyncClient c, String tool, Map<String, Object> args) {
    return ok(c, tool, args);
  }

  private static Map<String, Object> with(Map<String, Object> base, Object... pairs) {
    Map<String, Object> out = new HashMap<>(base);
    out.putAll(args(pairs));
    return out;
  }
}
