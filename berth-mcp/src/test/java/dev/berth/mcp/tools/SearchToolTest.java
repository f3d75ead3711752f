package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.ADMIN;
import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchToolTest {
  @TempDir Path home;

  @Test
  void findsLinesByPatternGlobAndPathUpToTheLimit() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SearchTool.definition(f.workspace);
      SessionId id = f.session("find");
      f.write(id, "src/app.py", "a = 0\nb = 3\n");
      f.write(id, "notes.md", "- TODO: ship\n");
      assertThat(ok(tool, ADMIN, args("session_id", "find", "pattern", "TODO|b = ")))
          .contains("notes.md:1:- TODO: ship", "src/app.py:2:b = 3");
      assertThat(ok(tool, ADMIN, args("session_id", "find", "pattern", "TODO", "glob", "*.py")))
          .isEqualTo("no matches (1 text files searched)");
      assertThat(
              ok(
                  tool,
                  ADMIN,
                  args("session_id", "find", "pattern", ".", "path", "src", "max_results", 1)))
          .isEqualTo(
              "src/app.py:1:a = 0\n"
                  + "[stopped at max_results; narrow the search with path or glob, or raise it]");
    }
  }

  @Test
  void aPatternThatBacktracksAnswersQuicklyAndDoesNotHoldUpAStop() throws Exception {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SearchTool.definition(f.workspace);
      SessionId id = f.session("redos");
      f.write(id, "data.txt", "a".repeat(80) + "\nkey=value\n");
      // java.util.regex backtracks on this for minutes while holding the session's lock
      var search =
          CompletableFuture.supplyAsync(
              () ->
                  ok(
                      tool,
                      ADMIN,
                      args("session_id", "redos", "pattern", "(.*)(.*)(.*)(.*)(.*)(.*)=")));
      var stop = CompletableFuture.supplyAsync(() -> f.sessions.stop(id));
      assertThat(search.get(5, TimeUnit.SECONDS)).isEqualTo("data.txt:2:key=value");
      assertThat(stop.get(5, TimeUnit.SECONDS).status()).isEqualTo(SessionStatus.STOPPED);
    }
  }

  @Test
  void aBadPatternSaysSo() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SearchTool.definition(f.workspace);
      f.session("find");
      assertThat(error(tool, ADMIN, args("session_id", "find", "pattern", "(")))
          .contains("invalid regular expression");
      assertThat(error(tool, ADMIN, args("session_id", "find"))).isEqualTo("'pattern' is required");
    }
  }
}
