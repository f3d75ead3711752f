package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;
import java.util.Optional;

/**
 * session_logs: the last lines of a session's output, the main container's or one other's, as
 * {@code GET .../logs?lines=&container=} answers them.
 */
final class SessionLogsTool {
  private SessionLogsTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_logs",
        "Read a session's output",
        "The last lines of a session's output, to see what its app is doing, or why it is not"
            + " ready or failed. container: one"
            + " of the session's containers (its type, as session_info lists it) to read that"
            + " one's output instead of the main container's ('session'). lines: how many of the"
            + " last lines (default "
            + SessionService.DEFAULT_LOG_LINES
            + ", at most "
            + SessionService.MAX_LOG_LINES
            + ").",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .optional(
                "container",
                Schema.string()
                    .description(
                        "the container's type, as session_info lists it; default the main one"))
            .optional(
                "lines",
                Schema.integer()
                    .minimum(1)
                    .maximum(SessionService.MAX_LOG_LINES)
                    .description("how many of the last lines to return")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          int lines =
              args.integer("lines", 1, SessionService.MAX_LOG_LINES)
                  .orElse(SessionService.DEFAULT_LOG_LINES);
          Optional<String> container = args.string("container");
          String tail =
              container.isPresent()
                  ? sessions.containers().logTail(id, container.get(), lines)
                  : sessions.logTail(id, lines);
          return ToolResults.text(tail.isEmpty() ? "(no output)" : tail);
        });
  }
}
