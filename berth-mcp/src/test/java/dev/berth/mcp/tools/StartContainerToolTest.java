package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.ContainerStatus.Phase;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** session_start_container on the local backend, whose containers are host processes. */
class StartContainerToolTest {
  static final String PIPE =
      """
      shell: "echo main-line-1; echo main-line-2; exec sleep 600"
      containers:
        worker:
          shell: "echo worker-says-hi; exec sleep 600"
        inspector:
          start: manual
          shell: "echo inspector-up; exec sleep 600"
      """;

  @TempDir Path home;

  @BeforeEach
  void template() throws Exception {
    ToolFixture.template(home, "pipe", PIPE);
  }

  /** Each container's phase as the service lists them, main one first. */
  static Map<String, Phase> phases(ToolFixture f, SessionId id) {
    Map<String, Phase> out = new LinkedHashMap<>();
    for (ContainerStatus c : f.sessions.containers().list(id)) {
      out.put(c.type(), c.phase());
    }
    return out;
  }

  @Test
  void startsAManualContainerAloneAndAnswersTheContainers() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = StartContainerTool.definition(f.sessions);
      SessionId id = f.session("pipe-1", "pipe");
      assertThat(phases(f, id)).containsEntry("inspector", Phase.MISSING);

      String answer = ok(tool, ADMIN, args("session_id", "pipe-1", "container", "inspector"));
      var listed = JsonMapper.builder().build().readTree(answer);
      assertThat(listed.get(2).get("type").asString()).isEqualTo("inspector");
      assertThat(listed.get(2).get("state").asString()).isEqualTo("running");
      assertThat(phases(f, id))
          .containsExactly(
              Map.entry("session", Phase.RUNNING),
              Map.entry("worker", Phase.RUNNING),
              Map.entry("inspector", Phase.RUNNING));
      assertThat(f.sessions.get(id).status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(ok(tool, ADMIN, args("session_id", "pipe-1", "container", "inspector")))
          .as("starting a running one changes nothing")
          .isEqualTo(answer);
    }
  }

  @Test
  void refusesWhatTheRestRouteRefusesAndStartsNothing() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = StartContainerTool.definition(f.sessions);
      SessionId id = f.session("pipe-2", "pipe");
      SessionId other = f.session("other");

      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "container", "ghost")))
          .isEqualTo(
              "session 'pipe-2' has no container 'ghost'; its containers: session, worker,"
                  + " inspector");
      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "container", "session")))
          .isEqualTo(
              "the main container 'session' starts and stops with its session: use the session's"
                  + " own start or stop");
      assertThat(error(tool, ADMIN, args("session_id", "pipe-2")))
          .isEqualTo("'container' is required");
      assertThat(
              error(
                  tool,
                  ToolFixture.tokenOf(id),
                  args("session_id", "pipe-2", "container", "inspector")))
          .isEqualTo(
              "session_start_container needs the admin token; a session token acts on its"
                  + " session");
      assertThat(
              error(
                  tool,
                  ToolFixture.tokenOf(other),
                  args("session_id", "pipe-2", "container", "inspector")))
          .as("another session's token is told nothing of it")
          .isEqualTo("no session 'pipe-2'");
      assertThat(phases(f, id)).containsEntry("inspector", Phase.MISSING);

      f.sessions.stop(id);
      assertThat(error(tool, ADMIN, args("session_id", "pipe-2", "container", "inspector")))
          .isEqualTo(
              "session 'pipe-2' is STOPPED; start its container 'inspector' once the session is"
                  + " RUNNING");
      assertThat(phases(f, id)).containsEntry("inspector", Phase.MISSING);
    }
  }
}
