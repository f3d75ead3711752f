package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionCreateToolTest {
  @TempDir Path home;

  @Test
  void createsARunningSessionAndShowsItsTokenOnce() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionCreateTool.definition(f.sessions);
      String out = ok(tool, ADMIN, args("id", "made", "labels", Map.of("team", "a")));
      assertThat(out)
          .contains("\"session_id\" : \"made\"", "\"status\" : \"RUNNING\"", "\"team\" : \"a\"")
          .containsPattern("\"token\" : \"berth_s_");
      assertThat(f.sessions.get(SessionId.of("made")).status()).isEqualTo(SessionStatus.RUNNING);
    }
  }

  @Test
  void onlyTheAdminCreatesAndBadInputSaysWhy() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionCreateTool.definition(f.sessions);
      SessionId mine = f.session("mine");
      assertThat(error(tool, ToolFixture.tokenOf(mine), args("id", "other")))
          .contains("admin token");
      assertThat(error(tool, ADMIN, args("template", "nope"))).contains("unknown template 'nope'");
      assertThat(error(tool, ADMIN, args("id", "Bad_Id"))).contains("invalid session id");
      assertThat(error(tool, ADMIN, args("labels", "x"))).contains("'labels' must be an object");
    }
  }
}
