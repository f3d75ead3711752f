package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.StartContainerToolTest.phases;
import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.runtime.ContainerStatus.Phase;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** session_stop_container on the local backend, whose containers are host processes. */
class StopContainerToolTest {
  @TempDir Path home;

  @BeforeEach
  void template() throws Exception {
    ToolFixture.template(home, "pipe", StartContainerToolTest.PIPE);
  }

  @Test
  void stopsOneContainerAloneAndTheSessionKeepsRunning() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = StopContainerTool.definition(f.sessions);
      SessionId id = f.session("pipe-1", "pipe");

      assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "container", "worker")))
          .contains("\"type\" : \"worker\"", "\"state\" : \"stopped\"");
      assertThat(phases(f, id))
          .containsExactly(
              Map.entry("session", Phase.RUNNING),
              Map.entry("worker", Phase.STOPPED),
              Map.entry("inspector", Phase.MISSING));
      assertThat(f.sessions.get(id).status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "container", "worker")))
          .as("stopping a stopped one changes nothing")
          .contains("\"state\" : \"stopped\"");
      assertThat(phases(f, id)).containsEntry("worker", Phase.STOPPED);
    }
  }

  @Test
  void refusesTheMainContainerAnUnknownOneAndASessionToken() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = StopContainerTool.definition(f.sessions);
      SessionId id = f.session("pipe-2", "pipe");
      SessionId other = f.session("other");

      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "container", "session")))
          .isEqualTo(
              "the main container 'session' starts and stops with its session: use the session's"
                  + " own start or stop");
      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "container", "ghost")))
          .startsWith("session 'pipe-2' has no container 'ghost'");
      assertThat(
              error(
                  tool,
                  ToolFixture.tokenOf(id),
                  args("session_id", "pipe-2", "container", "worker")))
          .contains("needs the admin token");
      assertThat(
              error(
                  tool,
                  ToolFixture.tokenOf(other),
                  args("session_id", "pipe-2", "container", "worker")))
          .isEqualTo("no session 'pipe-2'");
      assertThat(phases(f, id))
          .as("nothing was stopped")
          .containsEntry("session", Phase.RUNNING)
          .containsEntry("worker", Phase.RUNNING);
    }
  }
}
