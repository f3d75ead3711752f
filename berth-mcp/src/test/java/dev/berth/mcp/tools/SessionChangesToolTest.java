package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionChangesToolTest {
  @TempDir Path home;

  private static long cursor(String answer) {
    return Long.parseLong(answer.substring(answer.lastIndexOf("cursor: ") + 8).strip());
  }

  @Test
  void startsFromNowThenReportsWhatChangedAndByWhom() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionChangesTool.definition(f.workspace);
      SessionId id = f.session("changes");
      f.write(id, "before.txt", "not reported: nobody watched yet");
      String first = ok(tool, ADMIN, args("session_id", "changes"));
      assertThat(first).startsWith("Watching from now.").doesNotContain("before.txt");

      f.write(id, "agent.txt", "by the agent");
      f.sessions
          .workspace()
          .writeFile(id, "human.txt", new ByteArrayInputStream("by a REST client".getBytes()));
      String next =
          ok(
              tool,
              ADMIN,
              args("session_id", "changes", "cursor", cursor(first), "wait_seconds", 5));
      assertThat(next)
          .contains("changed agent.txt (by mcp)")
          .contains("changed human.txt (by api)");

      String none = ok(tool, ADMIN, args("session_id", "changes", "cursor", cursor(next)));
      assertThat(none).startsWith("No changes.").endsWith("cursor: " + cursor(next));

      assertThat(ok(tool, ADMIN, args("session_id", "changes", "cursor", 1))).contains("missed");
      assertThat(error(tool, ADMIN, args("session_id", "changes", "limit", 0))).contains("'limit'");
    }
  }
}
