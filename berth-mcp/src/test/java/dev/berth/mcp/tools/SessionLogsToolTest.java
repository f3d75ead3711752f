package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** session_logs: the main container's output by default, one other container's when named. */
class SessionLogsToolTest {
  @TempDir Path home;

  @BeforeEach
  void template() throws Exception {
    ToolFixture.template(home, "pipe", StartContainerToolTest.PIPE);
  }

  @Test
  void readsTheMainContainersOutputOrOneOthers() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionLogsTool.definition(f.sessions);
      SessionId id = f.session("pipe-1", "pipe");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "container", "worker")))
                      .contains("worker-says-hi"));
      assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "container", "worker")))
          .doesNotContain("main-line");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(ok(tool, ToolFixture.tokenOf(id), Map.of()))
                      .as("the main container's, also for the session's own token")
                      .contains("main-line-1", "main-line-2")
                      .doesNotContain("worker-says-hi"));
      assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "container", "session")))
          .isEqualTo(ok(tool, ADMIN, args("session_id", "pipe-1")));
      assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "lines", 1)))
          .contains("main-line-2")
          .doesNotContain("main-line-1");
      assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "container", "inspector")))
          .as("a manual container never started has printed nothing")
          .isEqualTo("(no output)");
    }
  }

  @Test
  void refusesAnUnknownContainerABadLineCountAndAnotherSession() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionLogsTool.definition(f.sessions);
      f.session("pipe-2", "pipe");
      SessionId other = f.session("other");
      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "container", "ghost")))
          .isEqualTo(
              "session 'pipe-2' has no container 'ghost'; its containers: session, worker,"
                  + " inspector");
      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "lines", 0)))
          .isEqualTo("'lines' must be a whole number from 1 to 10000");
      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "lines", 10_001)))
          .isEqualTo("'lines' must be a whole number from 1 to 10000");
      assertThat(error(tool, ToolFixture.tokenOf(other), args("session_id", "pipe-2")))
          .isEqualTo("no session 'pipe-2'");
      assertThat(error(tool, ADMIN, args("session_id", "ghost"))).isEqualTo("no session 'ghost'");
    }
  }
}
