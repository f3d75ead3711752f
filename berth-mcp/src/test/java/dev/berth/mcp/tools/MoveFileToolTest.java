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

class MoveFileToolTest {
  @TempDir Path home;

  @Test
  void movesButNeverOverwrites() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = MoveFileTool.definition(f.workspace);
      SessionId id = f.session("mv");
      f.write(id, "a.txt", "a");
      f.write(id, "b.txt", "b");
      assertThat(ok(tool, ADMIN, args("session_id", "mv", "from", "a.txt", "to", "d/c.txt")))
          .isEqualTo("moved a.txt to d/c.txt");
      assertThat(f.read(id, "d/c.txt")).isEqualTo("a");
      error(tool, ADMIN, args("session_id", "mv", "from", "b.txt", "to", "d/c.txt"));
      assertThat(f.read(id, "d/c.txt")).isEqualTo("a");
      assertThat(error(tool, ADMIN, args("session_id", "mv", "from", "b.txt")))
          .isEqualTo("'to' is required");
    }
  }
}
