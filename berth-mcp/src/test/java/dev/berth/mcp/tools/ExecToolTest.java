package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.runtime.ExecResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecToolTest {
  @TempDir Path home;

  @Test
  void runsAShellLineOrAnArgvList() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ExecTool.definition(f.workspace, f.sessions.processes());
      SessionId id = f.session("run");
      f.write(id, "src/x", "");
      assertThat(
              ok(
                  tool,
                  ADMIN,
                  args("session_id", "run", "command", "echo out; echo err >&2; exit 3")))
          .isEqualTo(
              "exit code: 3\n--- stdout (4 bytes) ---\nout\n\n--- stderr (4 bytes) ---\nerr\n");
      assertThat(
              ok(
                  tool,
                  ADMIN,
                  args(
                      "session_id",
                      "run",
                      "command",
                      List.of("sh", "-c", "echo $X; pwd"),
                      "cwd",
                      "src",
                      "env",
                      Map.of("X", "hi"))))
          .contains("exit code: 0", "hi\n", "/src\n");
    }
  }

  @Test
  void runsInTheMainContainerByNameAndRefusesAContainerTheSessionDoesNotHave() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ExecTool.definition(f.workspace, f.sessions.processes());
      f.session("run");
      assertThat(
              ok(
                  tool,
                  ADMIN,
                  args("session_id", "run", "command", "echo hi", "container", "session")))
          .contains("exit code: 0", "hi\n");
      assertThat(
              error(
                  tool, ADMIN, args("session_id", "run", "command", "true", "container", "plugin")))
          .isEqualTo("session 'run' has no container 'plugin'; its containers: session");
    }
  }

  @Test
  void runsInAnExtraContainerWithThatContainersEnvironment() throws Exception {
    ToolFixture.template(home, "pipe", StartContainerToolTest.PIPE);
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ExecTool.definition(f.workspace, f.sessions.processes());
      f.session("pipe", "pipe");
      String line = "echo \"[$BERTH_CONTAINER]\"";
      assertThat(
              ok(tool, ADMIN, args("session_id", "pipe", "command", line, "container", "worker")))
          .contains("exit code: 0", "[worker]\n");
      assertThat(ok(tool, ADMIN, args("session_id", "pipe", "command", line)))
          .as("the main container is not the worker")
          .contains("exit code: 0", "[]\n");
      assertThat(
              error(
                  tool, ADMIN, args("session_id", "pipe", "command", "true", "container", "ghost")))
          .isEqualTo(
              "session 'pipe' has no container 'ghost'; its containers: session, worker,"
                  + " inspector");
    }
  }

  @Test
  void refusesACommandOfTheWrongShape() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ExecTool.definition(f.workspace, f.sessions.processes());
      f.session("run");
      assertThat(error(tool, ADMIN, args("session_id", "run", "command", List.of())))
          .isEqualTo("'command' must be a shell line (string) or an argv list of strings");
      assertThat(error(tool, ADMIN, args("session_id", "run"))).isEqualTo("'command' is required");
      assertThat(error(tool, ADMIN, args("session_id", "run", "command", "true", "timeout", 0)))
          .isEqualTo("'timeout' must be a whole number from 1 to 2147483647");
    }
  }

  @Test
  void describesTimeoutsAndCutOutput() {
    var r = new ExecResult(-1, "abc".getBytes(UTF_8), new byte[0], 5000, 0, true, Duration.ZERO);
    assertThat(ExecTool.describe(r))
        .isEqualTo(
            "exit code: -1 (killed: timed out)\n--- stdout (5000 bytes, first 3 shown) ---\nabc"
                + "\n--- stderr (0 bytes) ---\n");
  }

  @Test
  void aForegroundCommandSendsItsLatestLinesAsProgressBeforeItAnswers() throws Exception {
    try (var f = new ToolFixture(home);
        var caller = Executors.newVirtualThreadPerTaskExecutor()) {
      ToolDefinition tool = ExecTool.definition(f.workspace, f.sessions.processes());
      SessionId id = f.session("prog");
      var client = new ExecProgressTest.Recorded();
      var answer =
          CompletableFuture.supplyAsync(
              () ->
                  ok(
                      tool,
                      ADMIN.withProgress(client),
                      args(
                          "session_id",
                          "prog",
                          "command",
                          "echo building; echo step 1 >&2; while [ ! -e go ]; do sleep 0.05;"
                              + " done; echo done")),
              caller);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(client.messages())
                      .as("both lines (stdout and stderr are two pipes: in either order)")
                      .anyMatch(m -> m.contains("building") && m.contains("step 1")));
      assertThat(answer).as("the command still waits for the file").isNotDone();

      f.write(id, "go", "");
      assertThat(answer.get(30, TimeUnit.SECONDS))
          .isEqualTo(
              "exit code: 0\n--- stdout (14 bytes) ---\nbuilding\ndone\n\n"
                  + "--- stderr (7 bytes) ---\nstep 1\n");
      assertThat(client.progress()).isSorted().doesNotHaveDuplicates();
    }
  }
}
