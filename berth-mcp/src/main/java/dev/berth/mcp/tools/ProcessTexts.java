package dev.berth.mcp.tools;

import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ValueSchema;
import dev.berth.service.processes.LiveProcess;
import java.util.List;

/** How the process tools name a process and its state to an agent. */
final class ProcessTexts {
  static final ValueSchema PROCESS_ID =
      Schema.string()
          .description(
              "the process's id (p1, p2, ...), as session_exec with background: true answered");

  private ProcessTexts() {}

  /** {@code process p1 (npm run dev) is running}, or how it ended. */
  static String state(LiveProcess p) {
    String head = "process " + p.id() + " (" + command(p.argv()) + ")";
    if (p.running()) {
      return head + " is running";
    }
    String code = p.exitCode().isPresent() ? Integer.toString(p.exitCode().getAsInt()) : "unknown";
    return head
        + " has ended with exit code "
        + code
        + p.endedBy().map(why -> " (" + why + ")").orElse("");
  }

  /** The command as the agent wrote it: a shell line without its {@code /bin/sh -c}. */
  static String command(List<String> argv) {
    if (argv.size() == 3 && argv.get(0).equals("/bin/sh") && argv.get(1).equals("-c")) {
      return argv.get(2);
    }
    return String.join(" ", argv);
  }
}
