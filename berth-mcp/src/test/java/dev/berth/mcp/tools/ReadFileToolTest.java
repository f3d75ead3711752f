package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.okVersioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadFileToolTest {
  @TempDir Path home;

  @Test
  void readsAWindowAndSaysWhatWasLeftOut() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ReadFileTool.definition(f.workspace);
      SessionId id = f.session("read");
      f.write(id, "a.txt", "one\ntwo\nthree\n");
      assertThat(okVersioned(tool, ADMIN, args("session_id", "read", "path", "a.txt")))
          .isEqualTo("     1\tone\n     2\ttwo\n     3\tthree\n");
      assertThat(okVersioned(tool, ADMIN, args("session_id", "read", "path", "a.txt", "limit", 1)))
          .isEqualTo("     1\tone\n[lines 1-1 of 3; call again with offset=2 for more]");
      assertThat(okVersioned(tool, ADMIN, args("session_id", "read", "path", "a.txt", "offset", 3)))
          .as("offset is the line number to start at, as search numbers lines")
          .isEqualTo("     3\tthree\n[lines 3-3 of 3; that is the end of the file]");
    }
  }

  @Test
  void refusesBinaryFilesMissingFilesAndBadNumbers() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ReadFileTool.definition(f.workspace);
      SessionId id = f.session("read");
      f.write(id, "blob.bin", "x\u0000y");
      assertThat(error(tool, ADMIN, args("session_id", "read", "path", "blob.bin")))
          .contains("binary");
      assertThat(error(tool, ADMIN, args("session_id", "read", "path", "none.txt")))
          .contains("no file");
      assertThat(error(tool, ADMIN, args("session_id", "read", "path", "a", "limit", 0)))
          .isEqualTo("'limit' must be a whole number from 1 to 2147483647");
      assertThat(error(tool, ADMIN, args("session_id", "read"))).isEqualTo("'path' is required");
    }
  }
}
