package dev.berth.mcp.tool;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

/** What a tool does when called. */
@FunctionalInterface
public interface ToolHandler {
  /**
   * Runs one call for {@code caller}. May throw: {@link ToolResults#run} turns a {@code
   * BerthException} into a tool error with its message, anything else into an internal error with a
   * log reference, so nothing reaches the protocol layer.
   */
  CallToolResult handle(McpCaller caller, McpArgs args);
}
