package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static dev.berth.mcp.tools.ToolFixture.okVersioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EditFileToolTest {
  @TempDir Path home;

  @Test
  void oneInlineEditThenAListAppliedInOrder() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = EditFileTool.definition(f.workspace);
      SessionId id = f.session("edit");
      f.write(id, "a.py", "a = 1\nb = 2\na = 1\n");
      assertThat(
              okVersioned(
                  tool,
                  ADMIN,
                  args(
                      "session_id",
                      "edit",
                      "path",
                      "a.py",
                      "old_string",
                      "a = 1",
                      "new_string",
                      "a = 9",
                      "replace_all",
                      true)))
          .isEqualTo(
              "edited a.py: 2 replacements; the changed lines now read:\n"
                  + "     1\ta = 9\n     2\tb = 2\n     3\ta = 9");
      ok(
          tool,
          ADMIN,
          args(
              "session_id",
              "edit",
              "path",
              "a.py",
              "edits",
              List.of(
                  Map.of("old_string", "b = 2", "new_string", "b = 3"),
                  Map.of("old_string", "a = 9\nb", "new_string", "a = 0\nb"))));
      assertThat(f.read(id, "a.py")).isEqualTo("a = 0\nb = 3\na = 9\n");
    }
  }

  @Test
  void anyFailedEditChangesNothingAndSaysHowManyMatched() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = EditFileTool.definition(f.workspace);
      SessionId id = f.session("edit");
      f.write(id, "a.py", "x\nx\n");
      assertThat(
              error(
                  tool,
                  ADMIN,
                  args("session_id", "edit", "path", "a.py", "old_string", "x", "new_string", "y")))
          .contains("matches 2 times");
      assertThat(
              error(
                  tool,
                  ADMIN,
                  args(
                      "session_id",
                      "edit",
                      "path",
                      "a.py",
                      "edits",
                      List.of(
                          Map.of("old_string", "x\nx", "new_string", "z"),
                          Map.of("old_string", "q")))))
          .isEqualTo("'new_string' is required");
      assertThat(error(tool, ADMIN, args("session_id", "edit", "path", "a.py")))
          .isEqualTo("give at least one edit");
      assertThat(f.read(id, "a.py")).isEqualTo("x\nx\n");
    }
  }
}
