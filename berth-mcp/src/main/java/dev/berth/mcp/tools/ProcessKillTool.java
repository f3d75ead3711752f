package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionProcessOps;
import dev.berth.service.processes.LiveProcess;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** session_process_kill: ends a process and everything it started. */
final class ProcessKillTool {
  static final String WHY = "killed through MCP";

  private ProcessKillTool() {}

  static ToolDefinition definition(SessionProcessOps processes) {
    return new ToolDefinition(
        "session_process_kill",
        "Kill a process",
        "Kill a process started with session_exec (background: true) and everything it started;"
            + " answers once they are gone. A process that has already ended is only described.",
        ToolKind.DESTRUCTIVE_IDEMPOTENT,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("process_id", ProcessTexts.PROCESS_ID),
        (caller, args) -> {
          SessionId id = caller.session(args);
          LiveProcess p = processes.get(id, args.requiredString("process_id"));
          if (!p.running()) {
            return ToolResults.text(ProcessTexts.state(p) + "; nothing to kill");
          }
          p.kill(WHY); // returns once it and everything it started are gone
          try {
            p.exit().get(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (ExecutionException | TimeoutException e) {
            // described as it is: still running if its backend could not end it
          }
          return ToolResults.text(ProcessTexts.state(p));
        });
  }
}
