package dev.berth.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Berth logs to an MCP client (the {@code logging} capability, which the SDK advertises for
 * every server): each failed tool call, as a {@code notifications/message} from logger {@code
 * berth.tools} — {@code error} for an internal error (with the reference to the server log), {@code
 * warning} for a call Berth refused. A client's log view then shows what its agent got wrong
 * without reading every result; {@code logging/setLevel} filters it (the SDK keeps the level per
 * MCP session). The data is the message the result carries: no internals.
 */
final class ToolFailureLog {
  static final String LOGGER = "berth.tools";
  private static final Logger log = LoggerFactory.getLogger(ToolFailureLog.class);

  private ToolFailureLog() {}

  /** {@code result}, after logging it to the client when it is an error. */
  static CallToolResult sent(McpSyncServerExchange exchange, String tool, CallToolResult result) {
    if (!Boolean.TRUE.equals(result.isError())) {
      return result;
    }
    String message =
        !result.content().isEmpty() && result.content().get(0) instanceof TextContent t
            ? t.text()
            : "";
    LoggingLevel level =
        message.startsWith("internal error") ? LoggingLevel.ERROR : LoggingLevel.WARNING;
    try {
      exchange.loggingNotification(
          new LoggingMessageNotification(level, LOGGER, tool + " failed: " + message));
    } catch (RuntimeException e) {
      // A client that went away misses the log line; the result still answers the call.
      log.debug("log notification not sent: {}", e.toString());
    }
    return result;
  }
}
