package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.session.ExecCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListDirectoryToolTest {
  @TempDir Path home;

  @Test
  void listsToTheDepthAsked() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ListDirectoryTool.definition(f.workspace);
      SessionId id = f.session("ls");
      assertThat(ok(tool, ADMIN, args("session_id", "ls"))).isEqualTo("(empty)");
      f.write(id, "docs/notes/todo.md", "- ship\n");
      f.write(id, "top.txt", "x");
      assertThat(ok(tool, ADMIN, args("session_id", "ls")).lines())
          .containsExactlyInAnyOrder("d docs/", "f top.txt (1 bytes)");
      assertThat(ok(tool, ADMIN, args("session_id", "ls", "depth", 3)))
          .contains("d docs/", "d docs/notes/", "f docs/notes/todo.md (7 bytes)");
      assertThat(ok(tool, ADMIN, args("session_id", "ls", "path", "docs")))
          .isEqualTo("d docs/notes/");
      assertThat(error(tool, ADMIN, args("session_id", "ls", "depth", 6)))
          .isEqualTo("'depth' must be a whole number from 1 to 5");
    }
  }

  @Test
  void stopsAtTheEntryLimit() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = ListDirectoryTool.definition(f.workspace);
      SessionId id = f.session("ls");
      f.workspace.exec(
          id,
          new ExecCommand(
              List.of("/bin/sh", "-c", "for i in $(seq 1 1005); do : > f$i; done"),
              Optional.empty(),
              Map.of(),
              new byte[0],
              Optional.empty()));
      String out = ok(tool, ADMIN, args("session_id", "ls"));
      assertThat(out.lines()).hasSize(ListDirectoryTool.MAX_ENTRIES + 1);
      assertThat(out).endsWith("[stopped after 1000 entries]");
    }
  }
}
