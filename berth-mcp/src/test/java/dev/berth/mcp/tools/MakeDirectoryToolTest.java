package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.runtime.FileEntry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeDirectoryToolTest {
  @TempDir Path home;

  @Test
  void makesParentsAndRepeatsQuietly() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = MakeDirectoryTool.definition(f.workspace);
      SessionId id = f.session("mk");
      assertThat(ok(tool, ADMIN, args("session_id", "mk", "path", "a/b/c")))
          .isEqualTo("created a/b/c");
      assertThat(ok(tool, ADMIN, args("session_id", "mk", "path", "a/b/c")))
          .isEqualTo("a/b/c exists (a directory); nothing changed");
      assertThat(f.workspace.stat(id, "a/b/c").type()).isEqualTo(FileEntry.Type.DIRECTORY);
      assertThat(error(tool, ADMIN, args("session_id", "mk", "path", "/etc/x")))
          .contains("outside the workspace");
    }
  }
}
