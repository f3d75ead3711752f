package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionInfoToolTest {
  @TempDir Path home;

  @Test
  void showsTheSessionAndItsLife() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionInfoTool.definition(f.sessions);
      SessionId id = f.session("info");
      assertThat(ok(tool, ADMIN, args("session_id", "info")))
          .contains("\"session_id\" : \"info\"", "\"backend\" : \"local\"", "\"life\" : {")
          .contains("\"cull_action\" : \"stop\"");
      assertThat(ok(tool, ToolFixture.tokenOf(id), Map.of()))
          .as("a session token may leave session_id out")
          .contains("\"session_id\" : \"info\"");
    }
  }

  @Test
  void anUnknownOrForeignSessionDoesNotExist() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionInfoTool.definition(f.sessions);
      SessionId mine = f.session("mine");
      f.session("theirs");
      assertThat(error(tool, ADMIN, args("session_id", "ghost"))).contains("no session 'ghost'");
      assertThat(error(tool, ADMIN, Map.of())).contains("session_id is required");
      assertThat(error(tool, ToolFixture.tokenOf(mine), args("session_id", "theirs")))
          .contains("no session 'theirs'");
    }
  }
}
