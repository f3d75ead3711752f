package dev.berth.mcp.tool;

import dev.berth.base.BerthException;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tool answers through here: a result, or an MCP tool error ({@code isError}) whose text says
 * what to do. Exceptions never escape to the protocol layer, where an agent would see only a
 * JSON-RPC internal error.
 */
public final class ToolResults {
  private static final Logger log = LoggerFactory.getLogger(ToolResults.class);

  private ToolResults() {}

  public static CallToolResult run(String tool, Supplier<CallToolResult> work) {
    try {
      return work.get();
    } catch (BerthException e) {
      return error(e.getMessage());
    } catch (RuntimeException e) {
      String ref = Long.toHexString(System.nanoTime());
      log.error("tool {} failed [{}]", tool, ref, e);
      return error("internal error (reference " + ref + " in the server log)");
    }
  }

  public static CallToolResult text(String text) {
    return CallToolResult.builder().addTextContent(text).isError(false).build();
  }

  public static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
  }
}
