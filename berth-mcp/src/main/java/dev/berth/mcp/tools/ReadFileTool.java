package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.files.VersionedText;
import dev.berth.tools.TextFiles;

/**
 * session_read_file: numbered lines of a text file, bounded so that one read cannot fill a model's
 * context: a line length cap, a size cap, and a note that says how to read on.
 */
final class ReadFileTool {
  static final int DEFAULT_LINES = 2000;
  static final int MAX_LINE_CHARS = 2000;
  static final int MAX_CHARS = 100_000;

  private ReadFileTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_read_file",
        "Read a text file",
        "Read a UTF-8 text file from the session's workspace as numbered lines ('<number><tab>"
            + "<line>', numbered from 1, the numbers session_search answers). offset: the line to"
            + " start at (default 1); limit: how many lines (default "
            + DEFAULT_LINES
            + "). Lines longer than "
            + MAX_LINE_CHARS
            + " characters are cut, and one answer stops at about "
            + MAX_CHARS
            + " characters; the last line of the answer then says which lines were shown and the"
            + " offset to read on from. Binary files are refused. The numbers and the tab are not"
            + " part of the file: leave them out of session_edit_file's old_string. The answer"
            + " ends with the file's version ('[version: ...]'): pass it as if_version to"
            + " session_write_file or session_edit_file so that a change someone made since is"
            + " not overwritten.",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("path", CommonInputs.PATH)
            .optional(
                "offset",
                Schema.integer()
                    .minimum(0)
                    .description(
                        "the line number to start at, 1-based as session_search numbers lines;"
                            + " default 1 (0 means 1 too)"))
            .optional(
                "limit",
                Schema.integer()
                    .minimum(1)
                    .description("the most lines to return; default " + DEFAULT_LINES)),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          int offset = Math.max(1, args.integer("offset", 0, Integer.MAX_VALUE).orElse(1));
          int limit = args.integer("limit", 1, Integer.MAX_VALUE).orElse(DEFAULT_LINES);
          VersionedText file = workspace.readTextVersioned(id, path, 0, Integer.MAX_VALUE);
          String lines =
              render(
                  path,
                  TextFiles.numbered(
                      file.window().text(), offset, limit, MAX_LINE_CHARS, MAX_CHARS));
          return ToolResults.text(withVersion(lines, file.version()));
        });
  }

  /**
   * The answer, then the file's version on a line of its own, always after a line break of its own:
   * a blank line when the answer ended with its last line's, so that the version is never taken for
   * a line of the file.
   */
  static String withVersion(String answer, String version) {
    return answer + "\n[version: " + version + "]";
  }

  /** The numbered lines, and a last line an agent can act on whenever it did not get them all. */
  static String render(String path, TextFiles.NumberedLines w) {
    if (w.totalLines() == 0) {
      return "[" + path + " is empty: 0 lines]";
    }
    if (w.lastLine() < w.firstLine()) {
      return "["
          + path
          + " has "
          + w.totalLines()
          + " line"
          + (w.totalLines() == 1 ? "" : "s")
          + ": offset="
          + w.firstLine()
          + " is past its end; nothing to read there]";
    }
    String text = w.text();
    if (w.more() || w.firstLine() > 1 || w.cutLines() > 0) {
      var note = new StringBuilder("[lines ");
      note.append(w.firstLine()).append('-').append(w.lastLine());
      note.append(" of ").append(w.totalLines());
      if (w.cutLines() > 0) {
        note.append("; ")
            .append(w.cutLines())
            .append(w.cutLines() == 1 ? " line" : " lines")
            .append(" cut at ")
            .append(MAX_LINE_CHARS)
            .append(" characters (session_exec with cut or sed reads them whole)");
      }
      if (w.stoppedAtSize()) {
        note.append("; stopped at the ").append(MAX_CHARS).append("-character answer limit");
      }
      if (w.more()) {
        note.append("; call again with offset=").append(w.lastLine() + 1).append(" for more");
      } else {
        note.append("; that is the end of the file");
      }
      text += note.append(']');
    }
    return text;
  }
}
