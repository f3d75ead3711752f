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

class DeleteFileToolTest {
  @TempDir Path home;

  @Test
  void aNonEmptyDirectoryNeedsRecursive() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = DeleteFileTool.definition(f.workspace);
      SessionId id = f.session("rm");
      f.write(id, "d/x.txt", "x");
      error(tool, ADMIN, args("session_id", "rm", "path", "d"));
      assertThat(f.read(id, "d/x.txt")).isEqualTo("x");
      assertThat(ok(tool, ADMIN, args("session_id", "rm", "path", "d", "recursive", true)))
          .isEqualTo("deleted d");
      assertThat(f.workspace.list(id, "")).isEmpty();
      assertThat(error(tool, ADMIN, args("session_id", "rm", "path", "d", "recursive", "yes")))
          .isEqualTo("'recursive' must be true or false");
    }
  }
}
