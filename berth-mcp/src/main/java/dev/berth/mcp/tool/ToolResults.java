package dev.berth.mcp.tool;

import dev.berth.base.BerthException;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
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

  /** The same result with {@code note} as a last line of its text. */
  public static CallToolResult withNote(CallToolResult result, String note) {
    String text =
        result.content().isEmpty() || !(result.content().get(0) instanceof TextContent t)
            ? ""
            : t.text();
    String joined = text.isEmpty() ? note : text + "\n" + note;
    return CallToolResult.builder()
        .addTextContent(joined)
        .isError(Boolean.TRUE.equals(result.isError()))
        .build();
  }

  public static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
  }
}
