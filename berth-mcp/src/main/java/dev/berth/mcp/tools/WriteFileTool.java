package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.files.FileCondition;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** session_write_file: a whole text file, replaced atomically. */
final class WriteFileTool {
  private WriteFileTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_write_file",
        "Write a file",
        "Write a UTF-8 text file, creating parent directories and replacing the file if it"
            + " exists (atomically). A path ending in '/' is refused (it names a directory). With"
            + " if_version, only if the file is still as that read found it; the answer gives the"
            + " version written.",
        ToolKind.DESTRUCTIVE_IDEMPOTENT,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH)
            .required(
                "content",
                Schema.string().description("the whole new content of the file, as text"))
            .optional("if_version", CommonInputs.IF_VERSION),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          if (path.endsWith("/")) {
            throw BerthException.badRequest(
                "'"
                    + path
                    + "' ends with '/', which names a directory: give the file's path (e.g. '"
                    + path
                    + "notes.txt'); session_make_directory makes a directory");
          }
          byte[] bytes = args.requiredString("content").getBytes(StandardCharsets.UTF_8);
          String version =
              workspace.writeFile(
                  id,
                  path,
                  new ByteArrayInputStream(bytes),
                  FileCondition.version(args.string("if_version").orElse(null)));
          return ToolResults.text(
              ReadFileTool.withVersion("wrote " + bytes.length + " bytes to " + path, version));
        });
  }
}
