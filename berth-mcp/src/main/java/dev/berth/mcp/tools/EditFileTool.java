package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.McpArgs;
import dev.berth.mcp.tool.ObjectSchema;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.mcp.tool.ValueSchema;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.files.FileCondition;
import dev.berth.service.files.VersionedEdit;
import dev.berth.tools.FileEdit;
import dev.berth.tools.TextEdits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** session_edit_file: exact-text replacements, all or none. */
final class EditFileTool {
  private static final ValueSchema OLD_STRING =
      Schema.string()
          .description(
              "the exact text to replace, whitespace included (without session_read_file's line"
                  + " numbers)");
  private static final ValueSchema NEW_STRING =
      Schema.string().description("the text that replaces it");
  private static final ValueSchema REPLACE_ALL =
      Schema.bool()
          .description("replace every match instead of requiring exactly one; default false");
  static final int SNIPPET_CONTEXT = 2;
  static final int SNIPPET_LINES = 40;

  private static final ObjectSchema EDIT =
      Schema.object()
          .required("old_string", OLD_STRING)
          .required("new_string", NEW_STRING)
          .optional("replace_all", REPLACE_ALL);

  private EditFileTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_edit_file",
        "Edit a file",
        "Replace exact text in a file: either one old_string/new_string, or a list of edits"
            + " applied in order. Each old_string must match exactly once (whitespace included)"
            + " unless replace_all; if any edit fails, nothing is changed and the error says how"
            + " many times it matched. The answer shows the changed lines as they now read,"
            + " numbered as session_read_file numbers them, with "
            + SNIPPET_CONTEXT
            + " lines around them, and the file's new version. With if_version, only if the file"
            + " is still as that read found it.",
        ToolKind.DESTRUCTIVE,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH)
            // One edit inline (the common case) or a list; both may be given, inline first.
            .optional("old_string", OLD_STRING)
            .optional("new_string", NEW_STRING)
            .optional("replace_all", REPLACE_ALL)
            .optional(
                "edits",
                Schema.array(EDIT)
                    .description(
                        "several edits, applied in order, each as old_string, new_string and"
                            + " replace_all above"))
            .optional("if_version", CommonInputs.IF_VERSION),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          VersionedEdit edit =
              workspace.editFile(
                  id,
                  path,
                  edits(args),
                  FileCondition.version(args.string("if_version").orElse(null)));
          TextEdits.Result result = edit.result();
          return ToolResults.text(
              ReadFileTool.withVersion(
                  "edited "
                      + path
                      + ": "
                      + result.replacements()
                      + (result.replacements() == 1 ? " replacement" : " replacements")
                      + "; the changed lines now read:\n"
                      + result.changed(SNIPPET_CONTEXT, SNIPPET_LINES).stripTrailing(),
                  edit.version()));
        });
  }

  static List<FileEdit> edits(McpArgs args) {
    List<FileEdit> edits = new ArrayList<>();
    if (args.has("old_string") || args.has("new_string")) {
      edits.add(
          new FileEdit(
              args.requiredString("old_string"),
              args.requiredString("new_string"),
              args.bool("replace_all")));
    }
    for (Map<String, Object> e : args.objects("edits")) {
      var one = new McpArgs(e);
      edits.add(
          new FileEdit(
              one.requiredString("old_string"),
              one.requiredString("new_string"),
              one.bool("replace_all")));
    }
    return edits;
  }
}
