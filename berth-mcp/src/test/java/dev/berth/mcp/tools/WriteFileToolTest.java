package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static dev.berth.mcp.tools.ToolFixture.okVersioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.service.files.FileVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteFileToolTest {
  @TempDir Path home;

  @Test
  void writesUtf8CreatingParentsAndReplacing() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = WriteFileTool.definition(f.workspace);
      SessionId id = f.session("write");
      assertThat(
              okVersioned(
                  tool, ADMIN, args("session_id", "write", "path", "d/e/f.txt", "content", "é")))
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

  @Test
  void aWriteOrEditWithTheVersionAReadGaveIsRefusedOnceSomeoneChangedTheFile() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition read = ReadFileTool.definition(f.workspace);
      ToolDefinition write = WriteFileTool.definition(f.workspace);
      ToolDefinition edit = EditFileTool.definition(f.workspace);
      SessionId id = f.session("ver");
      f.write(id, "n.txt", "one\n");
      String seen = version(ok(read, ADMIN, args("session_id", "ver", "path", "n.txt")));
      assertThat(seen).isEqualTo(FileVersion.of("one\n".getBytes(StandardCharsets.UTF_8)));

      // A human changes the file in the browser after the agent read it.
      f.write(id, "n.txt", "one\nhuman\n");
      String now = FileVersion.of("one\nhuman\n".getBytes(StandardCharsets.UTF_8));
      Map<String, Object> stale =
          args("session_id", "ver", "path", "n.txt", "content", "agent\n", "if_version", seen);
      assertThat(error(write, ADMIN, stale))
          .contains("changed since it was read")
          .contains("its version is " + now);
      assertThat(
              error(
                  edit,
                  ADMIN,
                  args(
                      "session_id",
                      "ver",
                      "path",
                      "n.txt",
                      "old_string",
                      "one",
                      "new_string",
                      "1",
                      "if_version",
                      seen)))
          .contains("its version is " + now);
      assertThat(f.read(id, "n.txt")).as("nothing was overwritten").isEqualTo("one\nhuman\n");

      // With the version it has now, the write goes through and answers the next one.
      String written =
          version(
              ok(
                  write,
                  ADMIN,
                  args(
                      "session_id",
                      "ver",
                      "path",
                      "n.txt",
                      "content",
                      "agent\n",
                      "if_version",
                      now)));
      assertThat(written).isEqualTo(FileVersion.of("agent\n".getBytes(StandardCharsets.UTF_8)));
      String edited =
          version(
              ok(
                  edit,
                  ADMIN,
                  args(
                      "session_id",
                      "ver",
                      "path",
                      "n.txt",
                      "old_string",
                      "agent",
                      "new_string",
                      "agent2",
                      "if_version",
                      written)));
      assertThat(f.read(id, "n.txt")).isEqualTo("agent2\n");
      assertThat(edited).isEqualTo(FileVersion.of("agent2\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(
              ok(
                  write,
                  ADMIN,
                  args("session_id", "ver", "path", "n.txt", "content", "x", "if_version", null)))
          .as("null means left out: no expectation")
          .startsWith("wrote 1 bytes");
    }
  }

  /** The version on an answer's last line. */
  private static String version(String answer) {
    var m = java.util.regex.Pattern.compile("\\[version: ([0-9a-f]{32})]$").matcher(answer);
    assertThat(m.find()).as(answer).isTrue();
    return m.group(1);
  }
}
