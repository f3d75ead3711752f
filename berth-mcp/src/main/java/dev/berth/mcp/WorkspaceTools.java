package dev.berth.mcp;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.service.SessionWorkspace;
import dev.berth.session.ExecCommand;
import dev.berth.tools.FileEdit;
import dev.berth.tools.TextEdits;
import dev.berth.tools.TextFiles;
import dev.berth.tools.WorkspaceSearch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Files, search and exec inside a session; every path is relative to the workspace root. */
final class WorkspaceTools {
  private static final String SESSION_ID =
      "\"session_id\":{\"type\":\"string\",\"description\":\"the session; may be left out with a"
          + " session token\"}";
  private static final String PATH =
      "\"path\":{\"type\":\"string\",\"description\":\"relative to the workspace root\"}";
  private static final int DEFAULT_LINES = 2000;
  private static final int MAX_LIST_ENTRIES = 1000;

  private WorkspaceTools() {}

  static void register(ToolCatalog catalog, SessionWorkspace workspace) {
    catalog.add(
        "session_read_file",
        "Read a text file",
        "Read a UTF-8 text file from the session's workspace, optionally a window of lines"
            + " (offset: lines to skip, limit: lines to return, default "
            + DEFAULT_LINES
            + ")."
            + " Binary files are refused. The answer says when lines were left out.",
        ToolCatalog.Kind.READ,
        "{"
            + SESSION_ID
            + ","
            + PATH
            + ",\"offset\":{\"type\":\"integer\",\"minimum\":0},"
            + "\"limit\":{\"type\":\"integer\",\"minimum\":1}}",
        List.of("path"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          TextFiles.Window w =
              workspace.readText(
                  id,
                  path,
                  args.integer("offset", 0, Integer.MAX_VALUE).orElse(0),
                  args.integer("limit", 1, Integer.MAX_VALUE).orElse(DEFAULT_LINES));
          String text = w.text();
          if (w.truncated() || w.firstLine() > 1) {
            text +=
                "\n[lines "
                    + w.firstLine()
                    + "-"
                    + w.lastLine()
                    + " of "
                    + w.totalLines()
                    + (w.truncated()
                        ? "; call again with offset=" + w.lastLine() + " for more"
                        : "")
                    + "]";
          }
          return ToolResults.text(text);
        });

    catalog.add(
        "session_write_file",
        "Write a file",
        "Write a UTF-8 text file, creating parent directories and replacing the file if it"
            + " exists (atomically).",
        ToolCatalog.Kind.DESTRUCTIVE_IDEMPOTENT,
        "{" + SESSION_ID + "," + PATH + ",\"content\":{\"type\":\"string\"}}",
        List.of("path", "content"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          byte[] bytes = args.requiredString("content").getBytes(StandardCharsets.UTF_8);
          workspace.writeFile(id, path, new ByteArrayInputStream(bytes));
          return ToolResults.text("wrote " + bytes.length + " bytes to " + path);
        });

    catalog.add(
        "session_edit_file",
        "Edit a file",
        "Replace exact text in a file: either one old_string/new_string, or a list of edits"
            + " applied in order. Each old_string must match exactly once (whitespace included)"
            + " unless replace_all; if any edit fails, nothing is changed and the error says how"
            + " many times it matched.",
        ToolCatalog.Kind.DESTRUCTIVE,
        "{"
            + SESSION_ID
            + ","
            + PATH
            + ","
            + "\"old_string\":{\"type\":\"string\"},\"new_string\":{\"type\":\"string\"},"
            + "\"replace_all\":{\"type\":\"boolean\"},"
            + "\"edits\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"additionalProperties\":false,"
            + "\"properties\":{\"old_string\":{\"type\":\"string\"},\"new_string\":{\"type\":\"string\"},"
            + "\"replace_all\":{\"type\":\"boolean\"}},\"required\":[\"old_string\",\"new_string\"]}}}",
        List.of("path"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          TextEdits.Result result = workspace.editFile(id, path, edits(args));
          return ToolResults.text(
              "edited " + path + ": " + result.replacements() + " replacement(s)");
        });

    catalog.add(
        "session_list_directory",
        "List a directory",
        "List a directory of the workspace (default the root) to a depth (1-5, default 1): one"
            + " line per entry, 'd' for directories, 'f' with the size for files, 'l' for links.",
        ToolCatalog.Kind.READ,
        "{"
            + SESSION_ID
            + ",\"path\":{\"type\":\"string\"},"
            + "\"depth\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}}",
        List.of(),
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
            lines.add("[stopped after " + MAX_LIST_ENTRIES + " entries]");
          }
          return ToolResults.text(lines.isEmpty() ? "(empty)" : String.join("\n", lines));
        });

    catalog.add(
        "session_search",
        "Search file contents",
        "Search text files under a path (default the root) for a regular expression (Java"
            + " syntax), optionally only files matching a glob (e.g. '*.py', or 'src/**/*.java'"
            + " for paths). Returns path:line:text lines, at most max_results (default 100).",
        ToolCatalog.Kind.READ,
        "{"
            + SESSION_ID
            + ",\"pattern\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},"
            + "\"glob\":{\"type\":\"string\"},\"max_results\":{\"type\":\"integer\",\"minimum\":1,"
            + "\"maximum\":10000}}",
        List.of("pattern"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          var search =
              new WorkspaceSearch(
                  args.requiredString("pattern"),
                  args.string("glob"),
                  args.integer("max_results", 1, 10_000).orElse(100));
          WorkspaceSearch.Result r = workspace.search(id, args.string("path").orElse(""), search);
          List<String> lines = new ArrayList<>();
          r.matches().forEach(m -> lines.add(m.toString()));
          if (r.truncated()) {
            lines.add("[stopped at max_results=" + r.matches().size() + "]");
          }
          if (lines.isEmpty()) {
            lines.add("no matches (" + r.filesSearched() + " text files searched)");
          }
          return ToolResults.text(String.join("\n", lines));
        });

    catalog.add(
        "session_delete_file",
        "Delete a file",
        "Delete a file or a directory (a non-empty directory needs recursive=true).",
        ToolCatalog.Kind.DESTRUCTIVE_IDEMPOTENT,
        "{" + SESSION_ID + "," + PATH + ",\"recursive\":{\"type\":\"boolean\"}}",
        List.of("path"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String path = args.requiredString("path");
          workspace.delete(id, path, args.bool("recursive"));
          return ToolResults.text("deleted " + path);
        });

    catalog.add(
        "session_move_file",
        "Move a file",
        "Move or rename a file or directory; fails if the target exists.",
        ToolCatalog.Kind.DESTRUCTIVE,
        "{" + SESSION_ID + ",\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"}}",
        List.of("from", "to"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          workspace.move(id, args.requiredString("from"), args.requiredString("to"));
          return ToolResults.text(
              "moved " + args.requiredString("from") + " to " + args.requiredString("to"));
        });

    catalog.add(
        "session_make_directory",
        "Make a directory",
        "Create a directory and its parents; nothing happens if it exists.",
        ToolCatalog.Kind.ADDITIVE_IDEMPOTENT,
        "{" + SESSION_ID + "," + PATH + "}",
        List.of("path"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          workspace.makeDirectory(id, args.requiredString("path"));
          return ToolResults.text("created " + args.requiredString("path"));
        });

    catalog.add(
        "session_exec",
        "Run a command",
        "Run a command in a RUNNING session and wait for it: a shell line (run by /bin/sh -c) or"
            + " an argv list; optional cwd (inside the workspace), env and timeout in seconds."
            + " Returns the exit code, stdout and stderr; each output is cut at the server's limit"
            + " and the full byte counts are given.",
        ToolCatalog.Kind.ARBITRARY,
        "{"
            + SESSION_ID
            + ",\"command\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"array\","
            + "\"items\":{\"type\":\"string\"},\"minItems\":1}]},\"cwd\":{\"type\":\"string\"},"
            + "\"env\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}},"
            + "\"timeout\":{\"type\":\"integer\",\"minimum\":1}}",
        List.of("command"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          var command =
              new ExecCommand(
                  args.stringsOrLine("command")
                      .orElseThrow(() -> BerthException.badRequest("'command' is required")),
                  args.string("cwd"),
                  args.stringMap("env"),
                  new byte[0],
                  args.integer("timeout", 1, Integer.MAX_VALUE).map(Duration::ofSeconds));
          return ToolResults.text(describe(workspace.exec(id, command)));
        });
  }

  private static List<FileEdit> edits(McpArgs args) {
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

  /** Appends entries depth-first; true when it stopped at the entry limit. */
  private static boolean list(
      SessionWorkspace workspace, SessionId id, String path, int depth, List<String> lines) {
    for (FileEntry e : workspace.list(id, path)) {
      if (lines.size() >= MAX_LIST_ENTRIES) {
        return true;
      }
      switch (e.type()) {
        case DIRECTORY -> lines.add("d " + e.path() + "/");
        case FILE -> lines.add("f " + e.path() + " (" + e.size() + " bytes)");
        case SYMLINK -> lines.add("l " + e.path());
        case OTHER -> lines.add("? " + e.path());
      }
      if (e.type() == FileEntry.Type.DIRECTORY && depth > 1) {
        if (list(workspace, id, e.path(), depth - 1, lines)) {
          return true;
        }
      }
    }
    return false;
  }

  static String describe(ExecResult r) {
    var sb = new StringBuilder();
    sb.append("exit code: ").append(r.exitCode());
    if (r.timedOut()) {
      sb.append(" (killed: timed out)");
    }
    sb.append("\n--- stdout (").append(r.stdoutBytes()).append(" bytes");
    if (r.stdoutTruncated()) {
      sb.append(", first ").append(r.stdout().length).append(" shown");
    }
    sb.append(") ---\n").append(new String(r.stdout(), StandardCharsets.UTF_8));
    sb.append("\n--- stderr (").append(r.stderrBytes()).append(" bytes");
    if (r.stderrTruncated()) {
      sb.append(", first ").append(r.stderr().length).append(" shown");
    }
    sb.append(") ---\n").append(new String(r.stderr(), StandardCharsets.UTF_8));
    return sb.toString();
  }
}
