package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.runtime.FileEntry;
import dev.berth.service.SessionWorkspace;
import java.util.Optional;

/** session_make_directory: a directory and its parents, like mkdir -p. */
final class MakeDirectoryTool {
  private MakeDirectoryTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_make_directory",
        "Make a directory",
        "Create a directory and its parents. If it exists already nothing changes and the answer"
            + " says it exists; a file in its place is an error.",
        ToolKind.ADDITIVE_IDEMPOTENT,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          Optional<FileEntry> before = stat(workspace, id, path);
          if (before.isPresent() && before.get().type() == FileEntry.Type.DIRECTORY) {
            return ToolResults.text(path + " exists (a directory); nothing changed");
          }
          if (before.isPresent()) {
            throw BerthException.conflict(
                "'" + path + "' exists and is not a directory; delete or move it first");
          }
          workspace.makeDirectory(id, path);
          return ToolResults.text("created " + path);
        });
  }

  private static Optional<FileEntry> stat(SessionWorkspace workspace, SessionId id, String path) {
    try {
      return Optional.of(workspace.stat(id, path));
    } catch (BerthException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        workspace.stat(id, ""); // an unknown session stays a 404
        return Optional.empty();
      }
      throw e;
    }
  }
}
