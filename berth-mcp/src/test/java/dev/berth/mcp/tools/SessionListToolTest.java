package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionListToolTest {
  @TempDir Path home;

  @Test
  void theAdminSeesEverySessionATokenOnlyItsOwn() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionListTool.definition(f.sessions);
      assertThat(ok(tool, ADMIN, Map.of())).isEqualTo("[ ]");
      SessionId a = f.session("list-a");
      f.session("list-b");
      assertThat(ok(tool, ADMIN, Map.of())).contains("\"list-a\"", "\"list-b\"");
      assertThat(ok(tool, ToolFixture.tokenOf(a), Map.of()))
          .contains("\"list-a\"")
          .doesNotContain("list-b");
    }
  }
}
