package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.McpArgs;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.SessionWorkspace;
import dev.berth.tools.TextFiles;
import dev.berth.tools.WorkspaceSearch;
import dev.berth.tools.WorkspaceSearch.OutputMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** session_search: a regular expression over the text files under a path, ripgrep-style. */
final class SearchTool {
  static final int DEFAULT_RESULTS = 100;
  static final int MAX_CONTEXT = 20;

  private SearchTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_search",
        "Search file contents",
        "Search the text files under a path (default the root) for a regular expression (RE2"
            + " syntax: no backreferences or lookaround; linear time), optionally only files"
            + " matching a glob relative to path ('*.py' matches names at any depth,"
            + " 'src/**/*.java' paths; '**/' also matches no directory). output_mode 'content'"
            + " (default) answers path:line:text lines (line numbers as session_read_file's"
            + " offset takes them; with context, lines around them as path-line-text and '--'"
            + " between groups), 'files' the paths of matching files newest first, 'count' path:N"
            + " per file. .git/, node_modules/ and files a .gitignore ignores are skipped unless"
            + " include_ignored. At most max_results (default "
            + DEFAULT_RESULTS
            + ") matching lines, or files.",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required(
                "pattern",
                Schema.string().description("the regular expression to find (RE2 syntax)"))
            .optional("path", CommonInputs.DIRECTORY)
            .optional(
                "glob",
                Schema.string()
                    .description(
                        "only files matching this glob, relative to path (e.g. '*.py',"
                            + " 'src/**/*.java')"))
            .optional(
                "output_mode",
                Schema.string()
                    .description(
                        "'content' (matching lines; default), 'files' (paths of matching files)"
                            + " or 'count' (matching lines per file)"))
            .optional(
                "context",
                Schema.integer()
                    .minimum(0)
                    .maximum(MAX_CONTEXT)
                    .description(
                        "lines to show before and after each matching line (content mode);"
                            + " default 0"))
            .optional(
                "ignore_case", Schema.bool().description("match regardless of case; default false"))
            .optional(
                "include_ignored",
                Schema.bool()
                    .description(
                        "also search .git/, node_modules/ and files a .gitignore ignores;"
                            + " default false"))
            .optional(
                "max_results",
                Schema.integer()
                    .minimum(1)
                    .maximum(10_000)
                    .description(
                        "the most matching lines (content) or files (files, count) to answer;"
                            + " default "
                            + DEFAULT_RESULTS)),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.string("path").orElse("");
          WorkspacePath root = WorkspacePath.parse(path);
          boolean includeIgnored = args.bool("include_ignored");
          OutputMode mode = mode(args);
          var options =
              new WorkspaceSearch.Options(
                  root.value(),
                  mode,
                  args.integer("context", 0, MAX_CONTEXT).orElse(0),
                  args.bool("ignore_case"),
                  includeIgnored,
                  includeIgnored ? Map.of() : gitignoresAbove(workspace, id, root));
          var search =
              new WorkspaceSearch(
                  args.requiredString("pattern"),
                  args.string("glob"),
                  args.integer("max_results", 1, 10_000).orElse(DEFAULT_RESULTS),
                  options);
          WorkspaceSearch.Result r = workspace.search(id, path, search);
          return ToolResults.text(render(r, mode));
        });
  }

  private static OutputMode mode(McpArgs args) {
    String m = args.string("output_mode").orElse("content");
    return switch (m.toLowerCase(Locale.ROOT)) {
      case "content" -> OutputMode.CONTENT;
      case "files", "files_with_matches" -> OutputMode.FILES;
      case "count" -> OutputMode.COUNT;
      default ->
          throw BerthException.badRequest(
              "'output_mode' must be 'content', 'files' or 'count', not '" + m + "'");
    };
  }

  /**
   * The {@code .gitignore} files of the directories above the searched one (and of the root): the
   * archive holds only what is under it. Those inside are read from the archive itself.
   */
  static Map<String, String> gitignoresAbove(
      SessionWorkspace workspace, SessionId id, WorkspacePath root) {
    Map<String, String> out = new LinkedHashMap<>();
    if (root.isRoot()) {
      return out;
    }
    List<String> dirs = new ArrayList<>();
    dirs.add("");
    String[] segments = root.value().split("/");
    var prefix = new StringBuilder();
    for (int i = 0; i < segments.length - 1; i++) {
      prefix.append(i == 0 ? "" : "/").append(segments[i]);
      dirs.add(prefix.toString());
    }
    for (String dir : dirs) {
      String file = dir.isEmpty() ? ".gitignore" : dir + "/.gitignore";
      try {
        out.put(dir, TextFiles.decode(file, workspace.readFile(id, file)));
      } catch (BerthException e) {
        if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.BAD_REQUEST) {
          throw e;
        }
      }
    }
    return out;
  }

  static String render(WorkspaceSearch.Result r, OutputMode mode) {
    List<String> lines = new ArrayList<>();
    switch (mode) {
      case CONTENT -> r.matches().forEach(m -> lines.add(m.toString()));
      case FILES ->
          r.files().stream()
              .sorted(Comparator.comparing(WorkspaceSearch.FileHits::modified).reversed())
              .forEach(f -> lines.add(f.path()));
      case COUNT -> r.files().forEach(f -> lines.add(f.path() + ":" + f.matchingLines()));
    }
    if (r.truncated()) {
      lines.add("[stopped at max_results; narrow the search with path or glob, or raise it]");
    }
    if (lines.isEmpty()) {
      lines.add(
          "no matches ("
              + r.filesSearched()
              + " text files searched"
              + (r.filesIgnored() > 0
                  ? ", "
                      + r.filesIgnored()
                      + " ignored files skipped (include_ignored searches them)"
                  : "")
              + ")");
    }
    return String.join("\n", lines);
  }
}
