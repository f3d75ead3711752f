package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;
import dev.berth.tools.TextFiles;

/** session_read_file: a window of lines of a text file. */
final class ReadFileTool {
  static final int DEFAULT_LINES = 2000;

  private ReadFileTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_read_file",
        "Read a text file",
        "Read a UTF-8 text file from the session's workspace, optionally a window of lines"
            + " (offset: lines to skip, limit: lines to return, default "
            + DEFAULT_LINES
            + ")."
            + " Binary files are refused. The answer says when lines were left out.",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH)
            .optional("offset", Schema.integer().minimum(0))
            .optional("limit", Schema.integer().minimum(1)),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          TextFiles.Window w =
              workspace.readText(
                  id,
                  path,
                  args.integer("offset", 0, Integer.MAX_VALUE).orElse(0),
                  args.integer("limit", 1, Integer.MAX_VALUE).orElse(DEFAULT_LINES));
          return ToolResults.text(render(w));
        });
  }

  /** The text, and a note an agent can act on when lines were left out before or after. */
  static String render(TextFiles.Window w) {
    String text = w.text();
    if (w.truncated() || w.firstLine() > 1) {
      text +=
          "\n[lines "
              + w.firstLine()
              + "-"
              + w.lastLine()
              + " of "
              + w.totalLines()
              + (w.truncated() ? "; call again with offset=" + w.lastLine() + " for more" : "")
              + "]";
    }
    return text;
  }
}
