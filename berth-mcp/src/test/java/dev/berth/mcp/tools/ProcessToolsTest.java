package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * session_exec with background: true and the process tools, called on a real service on the local
 * backend: output read from offsets, stdin, kill, and who may reach a process.
 */
class ProcessToolsTest {
  private static final Pattern STARTED = Pattern.compile("started process (p\\d+) ");
  private static final Pattern NEXT = Pattern.compile("--- next offset (\\d+)");

  @TempDir Path home;

  /** The tools, over one fixture's service. */
  private record Tools(
      ToolDefinition exec, ToolDefinition output, ToolDefinition write, ToolDefinition kill) {
    static Tools of(ToolFixture f) {
      var p = f.sessions.processes();
      return new Tools(
          ExecTool.definition(f.workspace, p),
          ProcessOutputTool.definition(p),
          ProcessWriteTool.definition(p),
          ProcessKillTool.definition(p));
    }

    String start(McpCaller caller, String session, String command, boolean openStdin) {
      String answer =
          ok(
              exec,
              caller,
              args(
                  "session_id",
                  session,
                  "command",
                  command,
                  "background",
                  true,
                  "open_stdin",
                  openStdin));
      Matcher m = STARTED.matcher(answer);
      assertThat(m.find()).as(answer).isTrue();
      return m.group(1);
    }

    /** One read from {@code offset}, waiting up to 10 s for something new. */
    String read(String session, String pid, long offset) {
      return ok(
          output,
          ADMIN,
          args("session_id", session, "process_id", pid, "offset", offset, "wait", 10));
    }
  }

  /** The output text of one read (between its header line and its next-offset line). */
  private static String outputOf(String read) {
    int start = read.indexOf(" bytes) ---\n");
    if (start < 0) {
      return "";
    }
    int end = read.lastIndexOf("\n--- next offset ");
    return read.substring(start + " bytes) ---\n".length(), end);
  }

  private static long next(String read) {
    Matcher m = NEXT.matcher(read);
    assertThat(m.find()).as(read).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aBackgroundProcessIsReadFromTheOffsetEachAnswerGivesWithoutRepeatsOrGaps() {
    try (var f = new ToolFixture(home)) {
      var t = Tools.of(f);
      f.session("bg");
      String pid =
          t.start(
              ADMIN,
              "bg",
              "echo first; echo oops >&2; while [ ! -e go ]; do sleep 0.05; done; echo second",
              false);

      StringBuilder seen = new StringBuilder();
      long offset = 0;
      String read;
      do { // the first lines, before the process can go on
        read = t.read("bg", pid, offset);
        seen.append(outputOf(read));
        offset = next(read);
      } while (!(seen.toString().contains("oops\n") && seen.toString().contains("first\n")));
      assertThat(read).startsWith("process " + pid + " (echo first;").contains("is running");
      // stdout and stderr are two pipes: which of them Berth reads first is not fixed
      assertThat(seen.toString()).isIn("first\noops\n", "oops\nfirst\n");

      f.write(SessionId.of("bg"), "go", "");
      do {
        read = t.read("bg", pid, offset);
        seen.append(outputOf(read));
        offset = next(read);
      } while (!read.contains("all its output is read"));
      assertThat(seen.toString())
          .as("each byte once, in order")
          .hasSize(18)
          .endsWith("\nsecond\n")
          .containsOnlyOnce("first\n")
          .containsOnlyOnce("oops\n");
      assertThat(read).contains("has ended with exit code 0");
      assertThat(offset).isEqualTo(seen.length());

      assertThat(
              ok(
                  ProcessListTool.definition(f.sessions.processes()),
                  ADMIN,
                  args("session_id", "bg")))
          .isEqualTo(
              "process "
                  + pid
                  + " (echo first; echo oops >&2; while [ ! -e go ]; do sleep 0.05; done; echo"
                  + " second) has ended with exit code 0; 18 bytes of output");
    }
  }

  @Test
  void inputWrittenToCatComesBackAndClosingItsStdinEndsIt() {
    try (var f = new ToolFixture(home)) {
      var t = Tools.of(f);
      f.session("cat");
      String pid = t.start(ADMIN, "cat", "cat", true);

      assertThat(
              ok(
                  t.write(),
                  ADMIN,
                  args("session_id", "cat", "process_id", pid, "input", "hello cat\n")))
          .isEqualTo("wrote 10 bytes to process " + pid + "'s stdin");
      String read = t.read("cat", pid, 0);
      assertThat(outputOf(read)).isEqualTo("hello cat\n");

      assertThat(
              ok(
                  t.write(),
                  ADMIN,
                  args("session_id", "cat", "process_id", pid, "input", "bye", "close", true)))
          .isEqualTo("wrote 3 bytes to process " + pid + "'s stdin, then closed it");
      long offset = next(read);
      do {
        read = t.read("cat", pid, offset);
        offset = next(read);
      } while (!read.contains("all its output is read"));
      assertThat(read).contains("has ended with exit code 0");
      assertThat(
              error(t.write(), ADMIN, args("session_id", "cat", "process_id", pid, "input", "x")))
          .contains("has ended with exit code 0; its stdin is closed");

      String closed = t.start(ADMIN, "cat", "cat", false);
      assertThat(
              error(
                  t.write(), ADMIN, args("session_id", "cat", "process_id", closed, "input", "x")))
          .contains("stdin is not open for writing");
    }
  }

  @Test
  void killEndsTheProcessAndItsChildren() {
    try (var f = new ToolFixture(home)) {
      var t = Tools.of(f);
      f.session("kill");
      String pid = t.start(ADMIN, "kill", "sleep 7193 & sleep 7193; wait", false);

      assertThat(ok(t.kill(), ADMIN, args("session_id", "kill", "process_id", pid)))
          .isEqualTo(
              "process "
                  + pid
                  + " (sleep 7193 & sleep 7193; wait) has ended with exit code -1 (killed through"
                  + " MCP)");
      assertThat(t.read("kill", pid, 0)).contains("has ended with exit code -1", "all its output");
      assertThat(ok(t.kill(), ADMIN, args("session_id", "kill", "process_id", pid)))
          .endsWith("; nothing to kill");
      assertThat(ok(t.exec(), ADMIN, args("session_id", "kill", "command", "ps -eo args")))
          .as("its children are gone too")
          .doesNotContain("sleep 7193");
    }
  }

  @Test
  void aSessionTokenReachesOnlyItsOwnSessionsProcesses() {
    try (var f = new ToolFixture(home)) {
      var t = Tools.of(f);
      SessionId a = f.session("tok-a");
      f.session("tok-b");
      String theirs = t.start(ADMIN, "tok-b", "sleep 600", false);
      McpCaller tokenA = ToolFixture.tokenOf(a);

      assertThat(error(t.output(), tokenA, args("process_id", theirs)))
          .as("b's process id means nothing in a")
          .startsWith("session 'tok-a' has no process '" + theirs + "'");
      assertThat(error(t.kill(), tokenA, args("session_id", "tok-b", "process_id", theirs)))
          .contains("no session 'tok-b'");
      assertThat(error(t.write(), tokenA, args("process_id", theirs, "input", "x")))
          .contains("has no process");
      assertThat(t.read("tok-b", theirs, 0)).contains("is running");

      String mine = t.start(tokenA, "tok-a", "echo mine", false);
      assertThat(ok(t.output(), tokenA, args("process_id", mine, "wait", 10))).contains("mine");
    }
  }

  @Test
  void refusesWhatABackgroundStartCannotMean() {
    try (var f = new ToolFixture(home)) {
      var t = Tools.of(f);
      f.session("bad");
      assertThat(
              error(
                  t.exec(),
                  ADMIN,
                  args("session_id", "bad", "command", "x", "background", true, "timeout", 5)))
          .startsWith("'timeout' is for a command that is waited for");
      assertThat(
              error(t.exec(), ADMIN, args("session_id", "bad", "command", "x", "open_stdin", true)))
          .startsWith("'open_stdin' needs background: true");
      assertThat(error(t.output(), ADMIN, args("session_id", "bad", "process_id", "p9")))
          .startsWith("session 'bad' has no process 'p9'");
      assertThat(
              error(t.output(), ADMIN, args("session_id", "bad", "process_id", "p9", "offset", -1)))
          .contains("'offset' must be a whole number from 0");
    }
  }
}
