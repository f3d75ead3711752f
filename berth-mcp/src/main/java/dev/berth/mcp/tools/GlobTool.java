package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.SessionWorkspace;
import dev.berth.tools.Globs;
import dev.berth.tools.IgnoreRules;
import dev.berth.tools.TextFiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * session_glob: the files whose paths match a glob, newest first. Walks directory listings (no file
 * content is read, unlike a search's archive), skipping ignored directories without entering them.
 */
final class GlobTool {
  static final int DEFAULT_RESULTS = 200;
  static final int MAX_VISITED = 50_000;
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private GlobTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_glob",
        "Find files by name",
        "Find files whose path matches a glob, relative to path (default the root): '*' and '?'"
            + " within a name, '**' across directories ('**/' also matches none: 'src/**/*.ts'"
            + " finds src/a.ts), '{a,b}' and '[abc]'; a glob without '/' matches names at any"
            + " depth. Answers workspace paths, one a line, most recently modified first, at most"
            + " max_results (default "
            + DEFAULT_RESULTS
            + "). .git/, node_modules/ and what a .gitignore ignores are skipped unless"
            + " include_ignored.",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required(
                "pattern",
                Schema.string().description("the glob, e.g. '**/*.py' or 'src/*/index.{js,ts}'"))
            .optional("path", CommonInputs.DIRECTORY)
            .optional(
                "include_ignored",
                Schema.bool()
                    .description(
                        "also look in .git/, node_modules/ and at ignored files; default false"))
            .optional(
                "max_results",
                Schema.integer()
                    .minimum(1)
                    .maximum(10_000)
                    .description("the most paths to answer; default " + DEFAULT_RESULTS)),
        (caller, args) -> {
          SessionId id = caller.session(args);
          WorkspacePath root = WorkspacePath.parse(args.string("path").orElse(""));
          Globs.Glob glob = Globs.compile(args.requiredString("pattern"));
          boolean all = args.bool("include_ignored");
          int max = args.integer("max_results", 1, 10_000).orElse(DEFAULT_RESULTS);
          var walk = new Walk(workspace, id, root, glob, all);
          if (!all) {
            SearchTool.gitignoresAbove(workspace, id, root).forEach(walk.ignore::add);
          }
          walk.directory(root.value());
          walk.found.sort(Comparator.comparing(FileEntry::modified).reversed());
          List<String> lines = new ArrayList<>();
          walk.found.stream().limit(max).forEach(e -> lines.add(e.path()));
          if (walk.found.size() > max) {
            lines.add(
                "["
                    + (walk.found.size() - max)
                    + " more matching files; narrow the pattern or raise max_results]");
          }
          if (walk.stopped) {
            lines.add(
                "[stopped after looking at "
                    + walk.visited
                    + " entries; narrow it with path or pattern]");
          }
          if (lines.isEmpty()) {
            lines.add(
                "no files match '"
                    + glob.source()
                    + "' under "
                    + root.display()
                    + " ("
                    + walk.visited
                    + " entries looked at)");
          }
          return ToolResults.text(String.join("\n", lines));
        });
  }

  /** One depth-first walk, bounded in entries and time. */
  private static final class Walk {
    final SessionWorkspace workspace;
    final SessionId id;
    final WorkspacePath root;
    final Globs.Glob glob;
    final boolean all;
    final IgnoreRules ignore = new IgnoreRules();
    final List<FileEntry> found = new ArrayList<>();
    final long deadline = System.nanoTime() + TIMEOUT.toNanos();
    int visited;
    boolean stopped;

    Walk(
        SessionWorkspace workspace,
        SessionId id,
        WorkspacePath root,
        Globs.Glob glob,
        boolean all) {
      this.workspace = workspace;
      this.id = id;
      this.root = root;
      this.glob = glob;
      this.all = all;
    }

    void directory(String dir) {
      List<FileEntry> entries = workspace.list(id, dir);
      if (!all) {
        for (FileEntry e : entries) {
          if (e.type() == FileEntry.Type.FILE
              && e.path().endsWith(".gitignore")
              && WorkspacePath.parse(e.path()).fileName().equals(".gitignore")) {
            try {
              ignore.add(dir, TextFiles.decode(e.path(), workspace.readFile(id, e.path())));
            } catch (BerthException ex) {
              if (ex.code() != ErrorCode.BAD_REQUEST && ex.code() != ErrorCode.TOO_LARGE) {
                throw ex;
              }
            }
          }
        }
      }
      for (FileEntry e : entries) {
        if (stopped) {
          return;
        }
        if (++visited > MAX_VISITED || System.nanoTime() - deadline > 0) {
          stopped = true;
          return;
        }
        boolean isDir = e.type() == FileEntry.Type.DIRECTORY;
        if (!all && ignore.ignored(e.path(), isDir)) {
          continue;
        }
        if (isDir) {
          directory(e.path());
        } else if (glob.matches(relative(e.path()))) {
          found.add(e);
        }
      }
    }

    String relative(String path) {
      return root.isRoot() ? path : path.substring(root.value().length() + 1);
    }
  }
}
