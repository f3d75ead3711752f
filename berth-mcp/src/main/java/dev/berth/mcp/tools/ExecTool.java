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
  static final int DEFAULT_OUTPUT_BYTES = 30_000;
  static final int MIN_OUTPUT_BYTES = 200;
  static final int MAX_OUTPUT_BYTES = 1 << 20;

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
            + " each output is shown up to max_output_bytes (default "
            + DEFAULT_OUTPUT_BYTES
            + "), its start and its end with the bytes omitted between them counted, and the"
            + " full byte counts are given; stdin is given to the command as its input;"
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
                "command",
                Schema.oneOf(Schema.string(), Schema.array(Schema.string()).minItems(1))
                    .description(
                        "a shell line (run by /bin/sh -c, e.g. 'make test 2>&1 | tail') or an argv"
                            + " list (['python3', 'app.py'], no shell)"))
            .optional(
                "cwd",
                Schema.string()
                    .description(
                        "the directory to run in, relative to the workspace root; default the"
                            + " root"))
            .optional(
                "env",
                Schema.mapOf(Schema.string())
                    .description("extra environment variables, name to value"))
            .optional(
                "stdin",
                Schema.string()
                    .description(
                        "text given to the command's standard input (then end of file); default"
                            + " none"))
            .optional(
                "timeout",
                Schema.integer()
                    .minimum(1)
                    .description(
                        "seconds to wait before the command is killed with its children; default"
                            + " the server's (execTimeout)"))
            .optional(
                "max_output_bytes",
                Schema.integer()
                    .minimum(MIN_OUTPUT_BYTES)
                    .maximum(MAX_OUTPUT_BYTES)
                    .description(
                        "the most bytes of stdout and of stderr each that the answer shows, half"
                            + " from the start and half from the end; default "
                            + DEFAULT_OUTPUT_BYTES
                            + ", never more than the server's execMaxOutputBytes"))
            .optional(
                "container",
                Schema.string()
                    .description(
                        "the container's type, as session_info lists it; default 'session', the"
                            + " main one"))
            .optional(
                "background",
                Schema.bool()
                    .description(
                        "start it as a background process and answer at once with its id;"
                            + " default false"))
            .optional(
                "open_stdin",
                Schema.bool()
                    .description(
                        "with background: keep its standard input open for"
                            + " session_process_write; default false")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          List<String> argv =
              args.stringsOrLine("command")
                  .orElseThrow(() -> BerthException.badRequest("'command' is required"));
          boolean shell = args.isString("command");
          byte[] stdin = args.string("stdin").orElse("").getBytes(StandardCharsets.UTF_8);
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
                    stdin,
                    args.bool("open_stdin"),
                    true,
                    container);
            return ToolResults.text(started(processes.start(id, command, "mcp")));
          }
          if (args.bool("open_stdin")) {
            throw BerthException.badRequest(
                "'open_stdin' needs background: true (a command that is waited for gets its"
                    + " input as 'stdin')");
          }
          var command =
              new ExecCommand(
                  argv,
                  args.string("cwd"),
                  args.stringMap("env"),
                  stdin,
                  args.integer("timeout", 1, Integer.MAX_VALUE).map(Duration::ofSeconds));
          var shown =
              new HeadAndTail(
                  // Never more than the server's own limit (execMaxOutputBytes) allows.
                  (int)
                      Math.min(
                          workspace.limits().execMaxOutputBytes(),
                          args.integer("max_output_bytes", MIN_OUTPUT_BYTES, MAX_OUTPUT_BYTES)
                              .orElse(DEFAULT_OUTPUT_BYTES)));
          ExecResult result;
          if (!caller.progress().wanted()) {
            try {
              result = workspace.exec(id, container, command, shown);
            } catch (BerthException e) {
              // An argv whose program does not exist fails to start; a shell line's shell says
              // so with exit code 127. The agent gets both the same way.
              if (!shell && isNotFound(e)) {
                return ToolResults.text(notFound(argv, e.getMessage()));
              }
              throw e;
            }
          } else {
            try (var progress = new ExecProgress(caller.progress())) {
              result =
                  workspace.exec(
                      id,
                      container,
                      command,
                      (stream, data, offset, length) -> {
                        shown.output(stream, data, offset, length);
                        progress.output(stream, data, offset, length);
                      });
            }
          }
          return ToolResults.text(describe(result, shown, argv, shell));
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

  /**
   * The answer for a foreground exec: exit code, and each output as {@code shown} kept it (head and
   * tail), with the full byte counts the command printed.
   */
  static String describe(ExecResult r, HeadAndTail shown, List<String> argv, boolean shell) {
    if (!shell && (r.exitCode() == 126 || r.exitCode() == 127)) {
      // Docker's engine answers an argv whose program is missing with exit code 126 and the
      // runtime's message on stdout; told the way the local backend and a shell tell it.
      String said = (shown.stdout().render() + shown.stderr().render()).strip();
      if (said.contains("executable file not found")
          || said.contains("no such file or directory") && said.contains("exec")) {
        return notFound(argv, said);
      }
    }
    var sb = new StringBuilder();
    sb.append("exit code: ").append(r.exitCode());
    if (r.timedOut()) {
      sb.append(" (killed: timed out)");
    } else if (r.exitCode() == 127 && notFound(shown.stderr().render())) {
      sb.append(" (command not found: ")
          .append(
              shell
                  ? "the shell found no program of that name"
                  : "no program '" + argv.get(0) + "'")
          .append(" on the PATH or at that path)");
    }
    part(sb, "stdout", shown.stdout());
    part(sb, "stderr", shown.stderr());
    return sb.toString();
  }

  private static boolean isNotFound(BerthException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
    return m.startsWith("cannot run") && (m.contains("not found") || m.contains("no such file"));
  }

  /** A program that could not start, told as a shell tells it: exit code 127 and why. */
  static String notFound(List<String> argv, String why) {
    String stderr = why + "\n";
    return "exit code: 127 (command not found: no program '"
        + argv.get(0)
        + "' on the PATH or at that path)"
        + "\n--- stdout (0 bytes) ---\n"
        + "\n--- stderr ("
        + stderr.getBytes(StandardCharsets.UTF_8).length
        + " bytes) ---\n"
        + stderr;
  }

  private static boolean notFound(String stderr) {
    String s = stderr.toLowerCase(java.util.Locale.ROOT);
    return s.contains("not found") || s.contains("no such file");
  }

  private static void part(StringBuilder sb, String name, HeadAndTail.Part p) {
    sb.append("\n--- ").append(name).append(" (").append(p.total()).append(" bytes");
    if (p.omitted() > 0) {
      sb.append(", first and last ")
          .append(p.total() - p.omitted())
          .append(" shown, ")
          .append(p.omitted())
          .append(" omitted in the middle");
    }
    sb.append(") ---\n").append(p.render());
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
