package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class SessionTokenToolTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path home;

  @Test
  void theAdminAndTheSessionsOwnTokenGetANewTokenAndOthersAreRefused() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionTokenTool.definition(f.sessions);
      SessionId mine = f.session("mine");
      f.session("theirs");

      String byAdmin = ok(tool, ADMIN, args("session_id", "mine"));
      assertThat(JSON.readTree(byAdmin).get("session_id").asString()).isEqualTo("mine");
      assertThat(JSON.readTree(byAdmin).get("token").asString()).startsWith("berth_s_");
      assertThat(ok(tool, ToolFixture.tokenOf(mine), args())).contains("berth_s_");

      assertThat(error(tool, ToolFixture.tokenOf(mine), args("session_id", "theirs")))
          .contains("admin token");
      assertThat(error(tool, ADMIN, args("session_id", "nosuch"))).contains("no session 'nosuch'");
      assertThat(f.sessions.events(mine, 0, 100))
          .filteredOn(e -> e.type().equals("token"))
          .hasSize(2);
    }
  }
}
