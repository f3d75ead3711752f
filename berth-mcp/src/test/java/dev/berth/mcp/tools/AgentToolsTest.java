package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static dev.berth.mcp.tools.ToolFixture.okVersioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.auth.Principal;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18's "tools an agent can use well", each against a real local session. */
class AgentToolsTest {
  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();

  @TempDir Path home;

  private static ToolDefinition tool(ToolFixture f, String name) {
    return McpTools.all(f.sessions).stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void nullMeansLeftOutAndUnknownArgumentsAreIgnoredAndNamed() {
    try (var f = new ToolFixture(home)) {
      SessionId id = f.session("tol");
      f.write(id, "a.txt", "one\ntwo\n");
      Map<String, Object> a = new HashMap<>();
      a.put("session_id", "tol");
      a.put("path", "a.txt");
      a.put("offset", null);
      a.put("limit", null);
      a.put("explanation", "reading the file");
      String read = ok(tool(f, "session_read_file"), ADMIN, a);
      assertThat(read)
          .startsWith("     1\tone\n     2\ttwo\n")
          .endsWith(
              "[ignored unknown argument explanation: session_read_file takes session_id, path,"
                  + " offset, limit]");
      Map<String, Object> exec = new HashMap<>();
      exec.put("session_id", "tol");
      exec.put("command", "echo hi");
      exec.put("description", "say hi");
      exec.put("timeout", null);
      exec.put("cwd", null);
      assertThat(ok(tool(f, "session_exec"), ADMIN, exec))
          .contains("exit code: 0", "hi\n", "[ignored unknown argument description:");
    }
  }

  @Test
  void everyPropertyIsDescribedAndTimesSayTheirUnit() {
    try (var f = new ToolFixture(home)) {
      for (ToolDefinition t : McpTools.all(f.sessions)) {
        Map<?, ?> props = (Map<?, ?>) t.input().toMap().get("properties");
        props.forEach(
            (name, schema) -> {
              Object d = ((Map<?, ?>) schema).get("description");
              assertThat(d).as(t.name() + "." + name + " has a description").isNotNull();
              if (name.equals("timeout") || name.equals("wait")) {
                assertThat((String) d).as(t.name() + "." + name).contains("seconds");
              }
            });
        assertThat(t.input().toMap()).as(t.name()).doesNotContainKey("additionalProperties");
      }
    }
  }

  @Test
  void aSessionTokenIsNotOfferedTheAdminTools() {
    try (var f = new ToolFixture(home)) {
      SessionId id = f.session("vis");
      Principal token = new Principal.SessionScoped(id);
      for (ToolDefinition t : McpTools.all(f.sessions)) {
        boolean visible = McpTools.visibleTo(token, t.name());
        assertThat(McpTools.visibleTo(new Principal.Admin(), t.name())).isTrue();
        if (!visible) {
          // What is hidden is exactly what a session token cannot call.
          assertThat(error(t, ToolFixture.tokenOf(id), args("session_id", "vis", "container", "x")))
              .contains("admin");
        }
      }
      assertThat(McpTools.visibleTo(token, "session_create")).isFalse();
      assertThat(McpTools.visibleTo(token, "session_delete")).isFalse();
      assertThat(McpTools.visibleTo(token, "session_read_file")).isTrue();
    }
  }

  @Test
  void readsAreNumberedFromOneBoundedAndSayHowToReadOn() {
    try (var f = new ToolFixture(home)) {
      SessionId id = f.session("read");
      ToolDefinition read = tool(f, "session_read_file");
      f.write(id, "f.txt", "a\nb\nc\nd\n");
      assertThat(okVersioned(read, ADMIN, args("session_id", "read", "path", "f.txt")))
          .isEqualTo("     1\ta\n     2\tb\n     3\tc\n     4\td\n");
      assertThat(
              okVersioned(
                  read,
                  ADMIN,
                  args("session_id", "read", "path", "f.txt", "offset", 2, "limit", 2)))
          .isEqualTo("     2\tb\n     3\tc\n[lines 2-3 of 4; call again with offset=4 for more]");
      assertThat(okVersioned(read, ADMIN, args("session_id", "read", "path", "f.txt", "offset", 9)))
          .isEqualTo("[f.txt has 4 lines: offset=9 is past its end; nothing to read there]");
      f.write(id, "long.txt", "x".repeat(5000) + "\nshort\n");
      assertThat(okVersioned(read, ADMIN, args("session_id", "read", "path", "long.txt")))
          .contains("x".repeat(2000) + " [line cut: 3000 more characters]\n")
          .contains("     2\tshort\n")
          .contains("1 line cut at 2000 characters");
      f.write(id, "big.txt", ("y".repeat(999) + "\n").repeat(300));
      String big = okVersioned(read, ADMIN, args("session_id", "read", "path", "big.txt"));
      assertThat(big.length()).isLessThan(ReadFileTool.MAX_CHARS + 200);
      assertThat(big)
          .containsPattern(
              "\\[lines 1-\\d+ of 300; stopped at the 100000-character"
                  + " answer limit; call again with offset=\\d+ for more\\]$");
      f.write(id, "empty.txt", "");
      assertThat(okVersioned(read, ADMIN, args("session_id", "read", "path", "empty.txt")))
          .isEqualTo("[empty.txt is empty: 0 lines]");
    }
  }

  @Test
  void execKeepsHeadAndTailTakesStdinAndReportsAMissingProgramAlike() {
    try (var f = new ToolFixture(home)) {
      f.session("ex");
      ToolDefinition exec = tool(f, "session_exec");
      String out =
          ok(
              exec,
              ADMIN,
              args(
                  "session_id",
                  "ex",
                  "command",
                  "echo START; head -c 5000 /dev/zero | tr '\\0' x; echo; echo END",
                  "max_output_bytes",
                  400));
      assertThat(out)
          .contains("--- stdout (5011 bytes, first and last 400 shown, 4611 omitted in the middle)")
          .contains("START\nxxx", "[... 4611 bytes omitted;", "xxx\nEND\n");
      assertThat(
              ok(exec, ADMIN, args("session_id", "ex", "command", "tr a-z A-Z", "stdin", "hi\n")))
          .contains("exit code: 0", "HI\n");
      assertThat(
              ok(exec, ADMIN, args("session_id", "ex", "command", List.of("cat"), "stdin", "in")))
          .contains("--- stdout (2 bytes) ---\nin");
      String shell = ok(exec, ADMIN, args("session_id", "ex", "command", "no-such-program-x"));
      String argv =
          ok(exec, ADMIN, args("session_id", "ex", "command", List.of("no-such-program-x")));
      assertThat(shell).startsWith("exit code: 127 (command not found");
      assertThat(argv).startsWith("exit code: 127 (command not found");
    }
  }

  @Test
  void aForegroundCommandThatLeavesAChildRunningAnswersWhenItEnds() {
    try (var f = new ToolFixture(home)) {
      f.session("bg");
      long t0 = System.nanoTime();
      String out =
          ok(
              tool(f, "session_exec"),
              ADMIN,
              args("session_id", "bg", "command", "sleep 30 & echo started", "timeout", 20));
      assertThat(out).contains("exit code: 0", "started");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void searchHasModesContextCaseAndSkipsIgnoredFiles() {
    try (var f = new ToolFixture(home)) {
      SessionId id = f.session("srch");
      ToolDefinition search = tool(f, "session_search");
      f.write(id, "src/a.py", "x = 1\nTODO one\ny = 2\nz = 3\ntodo two\n");
      f.write(id, "src/deep/b.py", "TODO b\n");
      f.write(id, "node_modules/m/index.js", "TODO m\n");
      f.write(id, ".git/HEAD", "TODO git\n");
      f.write(id, ".gitignore", "build/\n*.log\n");
      f.write(id, "build/out.py", "TODO build\n");
      f.write(id, "run.log", "TODO log\n");
      assertThat(ok(search, ADMIN, args("session_id", "srch", "pattern", "TODO")))
          .contains("src/a.py:2:TODO one", "src/deep/b.py:1:TODO b")
          .doesNotContain("node_modules", ".git/", "build/", "run.log");
      assertThat(
              ok(
                  search,
                  ADMIN,
                  args("session_id", "srch", "pattern", "TODO", "include_ignored", true)))
          .contains("node_modules/m/index.js:1:", ".git/HEAD:1:", "build/out.py:1:", "run.log:1:");
      assertThat(
              ok(
                  search,
                  ADMIN,
                  args(
                      "session_id",
                      "srch",
                      "pattern",
                      "todo",
                      "ignore_case",
                      true,
                      "path",
                      "src",
                      "glob",
                      "*.py",
                      "output_mode",
                      "count")))
          .contains("src/a.py:2", "src/deep/b.py:1");
      assertThat(
              ok(
                  search,
                  ADMIN,
                  args(
                      "session_id",
                      "srch",
                      "pattern",
                      "TODO",
                      "path",
                      "src",
                      "output_mode",
                      "files")))
          .contains("src/a.py", "src/deep/b.py")
          .doesNotContain(":");
      assertThat(
              ok(
                  search,
                  ADMIN,
                  args(
                      "session_id",
                      "srch",
                      "pattern",
                      "TODO",
                      "path",
                      "src",
                      "glob",
                      "a.py",
                      "context",
                      1)))
          .isEqualTo("src/a.py-1-x = 1\nsrc/a.py:2:TODO one\nsrc/a.py-3-y = 2");
      assertThat(
              ok(
                  search,
                  ADMIN,
                  args("session_id", "srch", "pattern", "TODO", "path", "src", "glob", "**/*.py")))
          .as("globs are relative to path, and **/ matches no directory too")
          .contains("src/a.py:2:", "src/deep/b.py:1:");
      assertThat(ok(search, ADMIN, args("session_id", "srch", "pattern", "^$", "path", "src")))
          .as("no phantom empty line after a trailing newline")
          .startsWith("no matches");
      assertThat(
              error(
                  search,
                  ADMIN,
                  args("session_id", "srch", "pattern", "x", "output_mode", "lines")))
          .isEqualTo("'output_mode' must be 'content', 'files' or 'count', not 'lines'");
    }
  }

  @Test
  void globFindsFilesRelativeToPathNewestFirst() throws Exception {
    try (var f = new ToolFixture(home)) {
      SessionId id = f.session("glob");
      ToolDefinition glob = tool(f, "session_glob");
      f.write(id, "src/old.ts", "");
      f.write(id, "src/lib/mid.ts", "");
      f.write(id, "node_modules/x/i.ts", "");
      f.write(id, "src/new.ts", "");
      Path ws = home.resolve("sessions");
      try (var files = java.nio.file.Files.walk(ws)) {
        for (Path p : files.toList()) {
          String n = p.getFileName().toString();
          long age =
              n.equals("old.ts") ? 300 : n.equals("mid.ts") ? 200 : n.equals("new.ts") ? 100 : 0;
          if (age > 0) {
            java.nio.file.Files.setLastModifiedTime(
                p,
                java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() - age * 1000));
          }
        }
      }
      assertThat(ok(glob, ADMIN, args("session_id", "glob", "pattern", "**/*.ts")))
          .isEqualTo("src/new.ts\nsrc/lib/mid.ts\nsrc/old.ts");
      assertThat(ok(glob, ADMIN, args("session_id", "glob", "pattern", "*.ts", "path", "src")))
          .isEqualTo("src/new.ts\nsrc/lib/mid.ts\nsrc/old.ts");
      assertThat(ok(glob, ADMIN, args("session_id", "glob", "pattern", "lib/*.ts", "path", "src")))
          .isEqualTo("src/lib/mid.ts");
      assertThat(
              ok(
                  glob,
                  ADMIN,
                  args("session_id", "glob", "pattern", "**/i.ts", "include_ignored", true)))
          .isEqualTo("node_modules/x/i.ts");
      assertThat(ok(glob, ADMIN, args("session_id", "glob", "pattern", "*.rs")))
          .startsWith("no files match '*.rs' under .");
    }
  }

  @Test
  void editsShowTheChangedLinesAndFileToolsAreIdempotentAndStrict() {
    try (var f = new ToolFixture(home)) {
      SessionId id = f.session("ed");
      f.write(id, "e.txt", "1\n2\n3\n4\n5\n6\n7\n");
      assertThat(
              okVersioned(
                  tool(f, "session_edit_file"),
                  ADMIN,
                  args(
                      "session_id",
                      "ed",
                      "path",
                      "e.txt",
                      "old_string",
                      "4\n",
                      "new_string",
                      "four\nvier\n")))
          .isEqualTo(
              "edited e.txt: 1 replacement; the changed lines now read:\n"
                  + "     2\t2\n     3\t3\n     4\tfour\n     5\tvier\n     6\t5\n     7\t6");
      ToolDefinition mkdir = tool(f, "session_make_directory");
      assertThat(ok(mkdir, ADMIN, args("session_id", "ed", "path", "d"))).isEqualTo("created d");
      assertThat(ok(mkdir, ADMIN, args("session_id", "ed", "path", "d")))
          .isEqualTo("d exists (a directory); nothing changed");
      assertThat(error(mkdir, ADMIN, args("session_id", "ed", "path", "e.txt")))
          .contains("exists and is not a directory");
      ToolDefinition delete = tool(f, "session_delete_file");
      assertThat(delete.advertised().annotations().idempotentHint()).isTrue();
      assertThat(ok(delete, ADMIN, args("session_id", "ed", "path", "e.txt")))
          .isEqualTo("deleted e.txt");
      assertThat(ok(delete, ADMIN, args("session_id", "ed", "path", "e.txt")))
          .isEqualTo("nothing to delete: e.txt does not exist (already deleted?)");
      assertThat(
              error(
                  tool(f, "session_write_file"),
                  ADMIN,
                  args("session_id", "ed", "path", "d/", "content", "x")))
          .contains("ends with '/', which names a directory");
      assertThat(f.workspace.list(id, "d")).isEmpty();
    }
  }

  @Test
  void appsListsTheSessionsPortsWithProxyPathsAndTheTemplates() throws Exception {
    ToolFixture.template(
        home,
        "web",
        """
        description: two ports
        shell: "exec sleep 600"
        ports: [8080, 9090]
        """);
    try (var f = new ToolFixture(home)) {
      f.session("app", "web");
      var apps =
          JSON.readTree(
              ok(tool(f, "session_apps"), ToolFixture.tokenOf(SessionId.of("app")), Map.of()));
      assertThat(apps.get("template").asString()).isEqualTo("web");
      assertThat(apps.get("apps").get(0).get("proxy_path").asString()).isEqualTo("/s/app/");
      assertThat(apps.get("apps").get(0).get("primary").asBoolean()).isTrue();
      assertThat(apps.get("apps").get(1).get("port").asInt()).isEqualTo(9090);
      assertThat(apps.get("apps").get(1).get("proxy_path").asString())
          .isEqualTo("/s/app/port/9090/");
      assertThat(apps.get("templates").toString()).contains("\"name\":\"web\"", "two ports");
    }
  }

  @Test
  void everyJsonResultUsesSnakeCaseKeys() {
    try (var f = new ToolFixture(home)) {
      f.session("snake");
      for (String name : List.of("session_info", "session_apps", "session_token")) {
        String text = ok(tool(f, name), ADMIN, args("session_id", "snake"));
        assertSnake(name, JSON.readTree(text));
      }
      assertSnake("session_list", JSON.readTree(ok(tool(f, "session_list"), ADMIN, Map.of())));
    }
  }

  private static void assertSnake(String where, tools.jackson.databind.JsonNode node) {
    if (node.isArray()) {
      node.forEach(n -> assertSnake(where, n));
    } else if (node.isObject()) {
      for (var e : node.properties()) {
        if (e.getKey().equals("labels") || e.getKey().equals("endpoints")) {
          continue; // keys the user or the template chose
        }
        assertThat(e.getKey()).as(where + " key").matches("[a-z0-9_.]+");
        assertSnake(where + "." + e.getKey(), e.getValue());
      }
    }
  }
}
