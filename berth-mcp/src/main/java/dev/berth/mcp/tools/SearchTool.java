package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;
import dev.berth.tools.WorkspaceSearch;
import java.util.ArrayList;
import java.util.List;

/** session_search: a regular expression over the text files under a path. */
final class SearchTool {
  static final int DEFAULT_RESULTS = 100;

  private SearchTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_search",
        "Search file contents",
        "Search text files under a path (default the root) for a regular expression (RE2"
            + " syntax: no backreferences or lookaround; linear time), optionally only files matching a glob (e.g. '*.py', or 'src/**/*.java'"
            + " for paths). Returns path:line:text lines, at most max_results (default 100).",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("pattern", Schema.string())
            .optional("path", Schema.string())
            .optional("glob", Schema.string())
            .optional("max_results", Schema.integer().minimum(1).maximum(10_000)),
        (caller, args) -> {
          SessionId id = caller.session(args);
          var search =
              new WorkspaceSearch(
                  args.requiredString("pattern"),
                  args.string("glob"),
                  args.integer("max_results", 1, 10_000).orElse(DEFAULT_RESULTS));
          WorkspaceSearch.Result r = workspace.search(id, args.string("path").orElse(""), search);
          return ToolResults.text(render(r));
        });
  }

  static String render(WorkspaceSearch.Result r) {
    List<String> lines = new ArrayList<>();
    r.matches().forEach(m -> lines.add(m.toString()));
    if (r.truncated()) {
      lines.add("[stopped at max_results=" + r.matches().size() + "]");
    }
    if (lines.isEmpty()) {
      lines.add("no matches (" + r.filesSearched() + " text files searched)");
    }
    return String.join("\n", lines);
  }
}
