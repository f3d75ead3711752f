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

class WriteFileToolTest {
  @TempDir Path home;

  @Test
  void writesUtf8CreatingParentsAndReplacing() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = WriteFileTool.definition(f.workspace);
      SessionId id = f.session("write");
      assertThat(ok(tool, ADMIN, args("session_id", "write", "path", "d/e/f.txt", "content", "é")))
          .isEqualTo("wrote 2 bytes to d/e/f.txt");
      ok(tool, ADMIN, args("session_id", "write", "path", "d/e/f.txt", "content", "new"));
      assertThat(f.read(id, "d/e/f.txt")).isEqualTo("new");
    }
  }

  @Test
  void needsContentAndStaysInTheWorkspace() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = WriteFileTool.definition(f.workspace);
      f.session("write");
      assertThat(error(tool, ADMIN, args("session_id", "write", "path", "x")))
          .isEqualTo("'content' is required");
      assertThat(error(tool, ADMIN, args("session_id", "write", "path", "../x", "content", "")))
          .contains("outside the workspace");
    }
  }
}
