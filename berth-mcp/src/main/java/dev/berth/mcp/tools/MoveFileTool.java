package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;

/** session_move_file: a rename that never overwrites. */
final class MoveFileTool {
  private MoveFileTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_move_file",
        "Move a file",
        "Move or rename a file or directory; fails if the target exists.",
        ToolKind.DESTRUCTIVE,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required(
                "from",
                Schema.string()
                    .description("the file or directory to move, relative to the workspace root"))
            .required(
                "to",
                Schema.string()
                    .description("its new path, relative to the workspace root; must not exist")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String from = args.requiredString("from");
          String to = args.requiredString("to");
          workspace.move(id, from, to);
          return ToolResults.text("moved " + from + " to " + to);
        });
  }
}
