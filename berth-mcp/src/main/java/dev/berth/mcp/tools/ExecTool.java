package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.runtime.ExecResult;
import dev.berth.service.SessionProcessOps;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.processes.LiveProcess;
import dev.berth.session.ExecCommand;
import dev.berth.session.ProcessCommand;
import dev.berth.template.SessionContainer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * session_exec: one command in a running session, waited for (its latest output lines as progress
 * when the client asked for progress), or started in the background as a process the process tools
 * read, write to and kill.
 */
final class ExecTool {
  private ExecTool() {}

  static ToolDefinition definition(SessionWorkspace workspace, SessionProcessOps processes) {
    return new ToolDefinition(
        "session_exec",
        "Run a command",
        "Run a command in a RUNNING session: a shell line (run by /bin/sh -c) or an argv list;"
            + " optional cwd (inside the workspace), env, and container: the type of the session's"
            + " container to run it in (default 'session', the main one; session_info lists a"
            + " session's containers)."
            + " By default it waits for the command and returns the exit code, stdout and stderr;"
            + " each output is cut at the server's limit and the full byte counts are given;"
            + " timeout (seconds) kills it with its children. Use this for builds, tests and"
            + " other commands that end; while one runs, a client that sent a progressToken gets"
            + " its latest output lines as progress notifications."
            + " background: true is for what does not end by itself (a dev server, a watcher, a"
            + " REPL): it starts the command and returns at once with a process id; read its"
            + " output with session_process_output, write to it with session_process_write (start"
            + " it with open_stdin: true for that), end it with session_process_kill. A background"
            + " process has no timeout; it ends by itself, when killed, or with its session.",
        ToolKind.ARBITRARY,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required(
                "command", Schema.oneOf(Schema.string(), Schema.array(Schema.string()).minItems(1)))
            .optional("cwd", Schema.string())
            .optional("env", Schema.mapOf(Schema.string()))
            .optional("timeout", Schema.integer().minimum(1))
            .optional("container", Schema.string())
            .optional("background", Schema.bool())
            .optional("open_stdin", Schema.bool()),
        (caller, args) -> {
          SessionId id = caller.session(args);
          List<String> argv =
              args.stringsOrLine("command")
                  .orElseThrow(() -> BerthException.badRequest("'command' is required"));
          String container = args.string("container").orElse(SessionContainer.MAIN);
          if (args.bool("background")) {
            if (args.has("timeout")) {
              throw BerthException.badRequest(
                  "'timeout' is for a command that is waited for: a background process runs"
                      + " until it ends, session_process_kill ends it, or its session stops");
            }
            var command =
                new ProcessCommand(
                    argv,
                    args.string("cwd"),
                    args.stringMap("env"),
                    Optional.empty(),
                    new byte[0],
                    args.bool("open_stdin"),
                    true,
                    container);
            return ToolResults.text(started(processes.start(id, command, "mcp")));
          }
          if (args.bool("open_stdin")) {
            throw BerthException.badRequest(
                "'open_stdin' needs background: true (a command that is waited for gets no input)");
          }
          var command =
              new ExecCommand(
                  argv,
                  args.string("cwd"),
                  args.stringMap("env"),
                  new byte[0],
                  args.integer("timeout", 1, Integer.MAX_VALUE).map(Duration::ofSeconds));
          if (!caller.progress().wanted()) {
            return ToolResults.text(describe(workspace.exec(id, container, command)));
          }
          try (var progress = new ExecProgress(caller.progress())) {
            return ToolResults.text(describe(workspace.exec(id, container, command, progress)));
          }
        });
  }

  static String started(LiveProcess p) {
    return "started process "
        + p.id()
        + " in the background: "
        + ProcessTexts.command(p.argv())
        + "\nread its output with session_process_output (process_id: \""
        + p.id()
        + "\", offset: 0), end it with session_process_kill";
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
