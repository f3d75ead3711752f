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

class SessionDeleteToolTest {
  @TempDir Path home;

  @Test
  void deletesWithAReceiptAndAgainSafely() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionDeleteTool.definition(f.sessions);
      f.session("gone");
      assertThat(ok(tool, ADMIN, args("session_id", "gone"))).contains("\"complete\" : true");
      assertThat(ok(tool, ADMIN, args("session_id", "gone"))).contains("\"complete\" : true");
    }
  }

  @Test
  void aSessionTokenCannotDeleteEvenItsOwnSession() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionDeleteTool.definition(f.sessions);
      SessionId id = f.session("kept");
      assertThat(error(tool, ToolFixture.tokenOf(id), args("session_id", "kept")))
          .contains("admin token");
      assertThat(f.sessions.get(id).id()).isEqualTo(id);
    }
  }
}
