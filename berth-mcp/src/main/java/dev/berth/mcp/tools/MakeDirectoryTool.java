package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;

/** session_make_directory: a directory and its parents, like mkdir -p. */
final class MakeDirectoryTool {
  private MakeDirectoryTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_make_directory",
        "Make a directory",
        "Create a directory and its parents; nothing happens if it exists.",
        ToolKind.ADDITIVE_IDEMPOTENT,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          workspace.makeDirectory(id, path);
          return ToolResults.text("created " + path);
        });
  }
}
