package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionProcessOps;
import dev.berth.service.processes.LiveProcess;
import dev.berth.service.processes.OutputLog;
import dev.berth.service.processes.SessionProcesses;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** session_process_output: what a background process printed since an offset. */
final class ProcessOutputTool {
  static final int DEFAULT_BYTES = 64 * 1024;
  static final int MAX_BYTES = 1 << 20;
  static final int MAX_WAIT_SECONDS = 60;

  private ProcessOutputTool() {}

  static ToolDefinition definition(SessionProcessOps processes) {
    return new ToolDefinition(
        "session_process_output",
        "Read a process's output",
        "Read what a process started with session_exec (background: true) printed, from a byte"
            + " offset on: stdout and stderr together, in the order they came. Start with offset"
            + " 0, then pass the next offset each answer gives: nothing is repeated or left out."
            + " wait (seconds, up to "
            + MAX_WAIT_SECONDS
            + ") waits for new output when there is none yet; max_bytes (default "
            + DEFAULT_BYTES
            + ") bounds one answer. The answer also says whether the process still runs, or its"
            + " exit code. Berth keeps a process's last 1 MiB of output; the answer says how much"
            + " older output is gone.",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .required("process_id", ProcessTexts.PROCESS_ID)
            .optional(
                "offset",
                Schema.integer().minimum(0).description("the byte offset to read from; default 0"))
            .optional(
                "wait",
                Schema.integer()
                    .minimum(0)
                    .maximum(MAX_WAIT_SECONDS)
                    .description(
                        "seconds to wait for new output when there is none yet; default 0"))
            .optional(
                "max_bytes",
                Schema.integer()
                    .minimum(1)
                    .maximum(MAX_BYTES)
                    .description(
                        "the most bytes of output in one answer; default " + DEFAULT_BYTES)),
        (caller, args) -> {
          SessionId id = caller.session(args);
          String pid = args.requiredString("process_id");
          long offset = args.longInteger("offset", 0, Long.MAX_VALUE).orElse(0L);
          int waitSeconds = args.integer("wait", 0, MAX_WAIT_SECONDS).orElse(0);
          int max = args.integer("max_bytes", 1, MAX_BYTES).orElse(DEFAULT_BYTES);
          LiveProcess p = processes.get(id, pid);
          OutputLog.Read read;
          try {
            read = p.output().read(offset, max, Duration.ofSeconds(waitSeconds));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.conflict("the read was interrupted; call again");
          }
          return ToolResults.text(render(p, offset, read));
        });
  }

  static String render(LiveProcess p, long offset, OutputLog.Read read) {
    var bytes = new ByteArrayOutputStream();
    read.chunks().forEach(c -> bytes.writeBytes(c.data()));
    long from = offset + read.skipped();
    var sb = new StringBuilder(ProcessTexts.state(p)).append('\n');
    if (read.skipped() > 0) {
      sb.append("[")
          .append(read.skipped())
          .append(" bytes from offset ")
          .append(offset)
          .append(" are no longer kept (Berth keeps a process's last ")
          .append(SessionProcesses.OUTPUT_BYTES >> 20)
          .append(" MiB)]\n");
    }
    if (bytes.size() == 0) {
      sb.append("--- no output after offset ").append(from).append(" ---\n");
    } else {
      sb.append("--- output from offset ")
          .append(from)
          .append(" to ")
          .append(read.next())
          .append(" (")
          .append(bytes.size())
          .append(" bytes) ---\n")
          .append(bytes.toString(StandardCharsets.UTF_8))
          .append('\n');
    }
    sb.append("--- next offset ").append(read.next());
    if (read.ended()) {
      sb.append(": the process ended and all its output is read ---");
    } else {
      sb.append(": call again with offset=").append(read.next()).append(" for more ---");
    }
    return sb.toString();
  }
}
