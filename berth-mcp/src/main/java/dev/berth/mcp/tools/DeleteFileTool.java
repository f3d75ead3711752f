package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;

/** session_delete_file: a file, or a directory (recursively only when asked). */
final class DeleteFileTool {
  private DeleteFileTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_delete_file",
        "Delete a file",
        "Delete a file or a directory (a non-empty directory needs recursive=true).",
        ToolKind.DESTRUCTIVE_IDEMPOTENT,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH)
            .optional("recursive", Schema.bool()),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          workspace.delete(id, path, args.bool("recursive"));
          return ToolResults.text("deleted " + path);
        });
  }
}
