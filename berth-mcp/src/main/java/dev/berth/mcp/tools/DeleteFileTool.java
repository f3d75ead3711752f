package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;

/**
 * session_delete_file: a file, or a directory (recursively only when asked). Idempotent: deleting
 * what is already gone succeeds and says so, so an agent that retries a call whose answer it lost
 * is not told it failed.
 */
final class DeleteFileTool {
  private DeleteFileTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_delete_file",
        "Delete a file",
        "Delete a file or a directory (a non-empty directory needs recursive=true). Deleting a"
            + " path that does not exist is not an error: the answer says nothing was there.",
        ToolKind.DESTRUCTIVE_IDEMPOTENT,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH)
            .optional(
                "recursive",
                Schema.bool()
                    .description("delete a non-empty directory with all it holds; default false")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          try {
            workspace.delete(id, path, args.bool("recursive"));
          } catch (BerthException e) {
            if (e.code() == ErrorCode.NOT_FOUND
                && exists(workspace, id)
                && gone(workspace, id, path)) {
              return ToolResults.text(
                  "nothing to delete: " + path + " does not exist (already deleted?)");
            }
            throw e;
          }
          return ToolResults.text("deleted " + path);
        });
  }

  /** The session itself is there (a 404 for an unknown session stays an error). */
  private static boolean exists(SessionWorkspace workspace, SessionId id) {
    workspace.stat(id, "");
    return true;
  }

  private static boolean gone(SessionWorkspace workspace, SessionId id, String path) {
    try {
      workspace.stat(id, path);
      return false;
    } catch (BerthException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }
}
