package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.runtime.FileEntry;
import dev.berth.service.SessionWorkspace;
import java.util.ArrayList;
import java.util.List;

/** session_list_directory: a directory to a depth, one line per entry. */
final class ListDirectoryTool {
  /** Keeps one answer readable and bounded whatever the tree. */
  static final int MAX_ENTRIES = 1000;

  private ListDirectoryTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_list_directory",
        "List a directory",
        "List a directory of the workspace (default the root) to a depth (1-5, default 1): one"
            + " line per entry, 'd' for directories, 'f' with the size for files, 'l' for links.",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .optional("path", CommonInputs.DIRECTORY)
            .optional(
                "depth",
                Schema.integer()
                    .minimum(1)
                    .maximum(5)
                    .description("levels of directories to list, 1-5; default 1")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          List<String> lines = new ArrayList<>();
          boolean cut =
              list(
                  workspace,
                  id,
                  args.string("path").orElse(""),
                  args.integer("depth", 1, 5).orElse(1),
                  lines);
          if (cut) {
            lines.add("[stopped after " + MAX_ENTRIES + " entries]");
          }
          return ToolResults.text(lines.isEmpty() ? "(empty)" : String.join("\n", lines));
        });
  }

  /** Appends entries depth-first; true when it stopped at the entry limit. */
  private static boolean list(
      SessionWorkspace workspace, SessionId id, String path, int depth, List<String> lines) {
    for (FileEntry e : workspace.list(id, path)) {
      if (lines.size() >= MAX_ENTRIES) {
        return true;
      }
      lines.add(line(e));
      if (e.type() == FileEntry.Type.DIRECTORY && depth > 1) {
        if (list(workspace, id, e.path(), depth - 1, lines)) {
          return true;
        }
      }
    }
    return false;
  }

  static String line(FileEntry e) {
    return switch (e.type()) {
      case DIRECTORY -> "d " + e.path() + "/";
      case FILE -> "f " + e.path() + " (" + e.size() + " bytes)";
      case SYMLINK -> "l " + e.path();
      case OTHER -> "? " + e.path();
    };
  }
}
