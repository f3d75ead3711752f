package dev.berth.mcp.tool;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Runs the handler for one call; never throws (see {@link ToolResults#run}). Arguments the schema
   * does not name are ignored, not refused (models add their own, such as {@code description}), and
   * the answer ends with a line naming them, so a misspelt argument is still noticed. A {@code
   * null} value means the argument was left out ({@link McpArgs}).
   */
  public CallToolResult call(McpCaller caller, Map<String, Object> arguments) {
    CallToolResult result =
        ToolResults.run(name, () -> handler.handle(caller, new McpArgs(arguments)));
    List<String> ignored = ignored(arguments);
    return ignored.isEmpty()
        ? result
        : ToolResults.withNote(
            result,
            "[ignored unknown argument"
                + (ignored.size() == 1 ? " " : "s ")
                + String.join(", ", ignored)
                + ": "
                + name
                + " takes "
                + String.join(", ", input.propertyNames())
                + "]");
  }

  /** The argument names the schema does not know, in the order given. */
  List<String> ignored(Map<String, Object> arguments) {
    if (arguments == null) {
      return List.of();
    }
    List<String> known = input.propertyNames();
    List<String> out = new ArrayList<>();
    arguments.keySet().stream().filter(k -> !known.contains(k)).forEach(out::add);
    return out;
  }
}
