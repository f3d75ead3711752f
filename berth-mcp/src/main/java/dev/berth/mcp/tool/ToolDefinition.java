package dev.berth.mcp.tool;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One MCP tool as data: what it is called, what it tells the agent, what it takes and what it does.
 *
 * @param name the tool's name on the wire, e.g. {@code session_read_file}
 * @param title a short human title (also the annotations' title)
 * @param description what the tool does and answers, for the agent choosing a tool
 * @param kind the truthful hints: reads only, destructive, idempotent, open world
 * @param input the arguments' schema
 * @param handler the call itself
 */
public record ToolDefinition(
    String name,
    String title,
    String description,
    ToolKind kind,
    ObjectSchema input,
    ToolHandler handler) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("tool name '" + name + "' is not [a-z][a-z0-9_]*");
    }
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(handler, "handler");
  }

  /** The tool as {@code tools/list} advertises it. */
  public Tool advertised() {
    return Tool.builder(name, input.toMap())
        .title(title)
        .description(description)
        .annotations(
            ToolAnnotations.builder()
                .title(title)
                .readOnlyHint(kind.readOnly())
                .destructiveHint(kind.destructive())
                .idempotentHint(kind.idempotent())
                .openWorldHint(kind.openWorld())
                .build())
        .build();
  }

  /** Runs the handler for one call; never throws (see {@link ToolResults#run}). */
  public CallToolResult call(McpCaller caller, Map<String, Object> arguments) {
    return ToolResults.run(name, () -> handler.handle(caller, new McpArgs(arguments)));
  }
}
