package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionProcessOps;
import dev.berth.service.processes.LiveProcess;
import java.util.List;

/** session_process_list: the session's processes, running and recently ended. */
final class ProcessListTool {
  private ProcessListTool() {}

  static ToolDefinition definition(SessionProcessOps processes) {
    return new ToolDefinition(
        "session_process_list",
        "List processes",
        "List the session's processes started with handles (session_exec with background: true,"
            + " or through the REST API): those running and those that ended in the last 10"
            + " minutes, oldest first, one a line with its id, state and bytes of output.",
        ToolKind.READ,
        Schema.object().optional("session_id", CommonInputs.SESSION_ID),
        (caller, args) -> {
          SessionId id = caller.session(args);
          List<LiveProcess> all = processes.list(id);
          if (all.isEmpty()) {
            return ToolResults.text("(no processes)");
          }
          var sb = new StringBuilder();
          for (LiveProcess p : all) {
            sb.append(ProcessTexts.state(p))
                .append("; ")
                .append(p.output().offset())
                .append(" bytes of output\n");
          }
          return ToolResults.text(sb.toString().stripTrailing());
        });
  }
}
