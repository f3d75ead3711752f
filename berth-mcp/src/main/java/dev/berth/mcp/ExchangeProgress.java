package dev.berth.mcp;

import dev.berth.mcp.tool.ToolProgress;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tool call's progress, sent on the exchange of the request that asked for it with a {@code
 * progressToken}: over Streamable HTTP that is the call's own response stream, before its result.
 */
final class ExchangeProgress implements ToolProgress {
  private static final Logger log = LoggerFactory.getLogger(ExchangeProgress.class);

  private final McpSyncServerExchange exchange;
  private final Object token;

  private ExchangeProgress(McpSyncServerExchange exchange, Object token) {
    this.exchange = exchange;
    this.token = token;
  }

  /** Progress for {@code request}: {@link ToolProgress#NONE} when it carried no token. */
  static ToolProgress of(McpSyncServerExchange exchange, Request request) {
    Object token = request.progressToken();
    return token == null ? NONE : new ExchangeProgress(exchange, token);
  }

  @Override
  public boolean wanted() {
    return true;
  }

  @Override
  public void report(double progress, String message) {
    try {
      exchange.progressNotification(new ProgressNotification(token, progress, null, message));
    } catch (RuntimeException e) {
      // A client that went away misses its progress; the call itself goes on and answers.
      log.debug("progress notification not sent: {}", e.toString());
    }
  }
}
