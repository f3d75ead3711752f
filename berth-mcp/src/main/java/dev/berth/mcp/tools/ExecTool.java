package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.runtime.ExecResult;
import dev.berth.service.SessionWorkspace;
import dev.berth.session.ExecCommand;
import dev.berth.template.SessionContainer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** session_exec: one command in a running session, waited for. */
final class ExecTool {
  private ExecTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_exec",
        "Run a command",
        "Run a command in a RUNNING session and wait for it: a shell line (run by /bin/sh -c) or"
            + " an argv list; optional cwd (inside the workspace), env, timeout in seconds, and"
            + " container: the type of the session's container to run it in (default 'session',"
            + " the main one; session_info lists a session's containers)."
            + " Returns the exit code, stdout and stderr; each output is cut at the server's limit"
            + " and the full byte counts are given.",
        ToolKind.ARBITRARY,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required(
                "command", Schema.oneOf(Schema.string(), Schema.array(Schema.string()).minItems(1)))
            .optional("cwd", Schema.string())
            .optional("env", Schema.mapOf(Schema.string()))
            .optional("timeout", Schema.integer().minimum(1))
            .optional("container", Schema.string()),
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
          String container = args.string("container").orElse(SessionContainer.MAIN);
          return ToolResults.text(describe(workspace.exec(id, container, command)));
        });
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
