package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionProcessOps;
import dev.berth.service.processes.LiveProcess;
import java.nio.charset.StandardCharsets;

/** session_process_write: input for a background process started with its stdin open. */
final class ProcessWriteTool {
  private ProcessWriteTool() {}

  static ToolDefinition definition(SessionProcessOps processes) {
    return new ToolDefinition(
        "session_process_write",
        "Write to a process's stdin",
        "Write text to the standard input of a process started with session_exec (background:"
            + " true, open_stdin: true), e.g. a command for a REPL; add the newline a program"
            + " that reads lines waits for. close: true closes its stdin afterwards (the program"
            + " reads end-of-file). Read what it answers with session_process_output.",
        ToolKind.ARBITRARY,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("process_id", ProcessTexts.PROCESS_ID)
            .required(
                "input",
                Schema.string()
                    .description(
                        "text for the process's standard input, sent as UTF-8 as given (add \\n for Enter)"))
            .optional(
                "close",
                Schema.bool()
                    .description(
                        "close standard input after the input (end of file); default false")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          LiveProcess p = processes.get(id, args.requiredString("process_id"));
          byte[] input = args.requiredString("input").getBytes(StandardCharsets.UTF_8);
          boolean close = args.bool("close");
          if (!p.running()) {
            throw BerthException.conflict(ProcessTexts.state(p) + "; its stdin is closed");
          }
          if (input.length > 0) {
            p.write(input, 0, input.length);
          }
          if (close) {
            p.closeStdin();
          }
          processes.touch(id, "mcp");
          return ToolResults.text(
              "wrote "
                  + input.length
                  + " bytes to process "
                  + p.id()
                  + "'s stdin"
                  + (close ? ", then closed it" : ""));
        });
  }
}
