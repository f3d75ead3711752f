package dev.berth.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Collects tool definitions: name, description, input schema, truthful annotations, handler. */
final class ToolCatalog {
  /** What a tool does: never throws (see {@link ToolResults}). */
  @FunctionalInterface
  interface Handler extends BiFunction<McpCaller, McpArgs, CallToolResult> {}

  /** Hints for clients: see the MCP spec's ToolAnnotations. */
  enum Kind {
    /** Reads only. */
    READ(true, false, true, false),
    /** Adds without overwriting; repeating it changes nothing more. */
    ADDITIVE_IDEMPOTENT(false, false, true, false),
    /** Adds something new each time. */
    ADDITIVE(false, false, false, false),
    /** May overwrite or remove; repeating it changes nothing more. */
    DESTRUCTIVE_IDEMPOTENT(false, true, true, false),
    /** May overwrite or remove, and may act differently each time. */
    DESTRUCTIVE(false, true, false, false),
    /** Runs arbitrary commands: anything may happen, including talking to the network. */
    ARBITRARY(false, true, false, true);

    final boolean readOnly;
    final boolean destructive;
    final boolean idempotent;
    final boolean openWorld;

    Kind(boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {
      this.readOnly = readOnly;
      this.destructive = destructive;
      this.idempotent = idempotent;
      this.openWorld = openWorld;
    }
  }

  private final McpJsonMapper json;
  private final List<SyncToolSpecification> specs = new ArrayList<>();

  ToolCatalog(McpJsonMapper json) {
    this.json = json;
  }

  /**
   * @param properties the JSON schema's "properties" object, as JSON text
   * @param required the required property names
   */
  void add(
      String name,
      String title,
      String description,
      Kind kind,
      String properties,
      List<String> required,
      Handler handler) {
    String schema =
        "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":"
            + properties
            + ",\"required\":"
            + required.stream().map(r -> "\"" + r + "\"").toList().toString().replace(" ", "")
            + "}";
    Tool tool =
        Tool.builder(name, json, schema)
            .title(title)
            .description(description)
            .annotations(
                ToolAnnotations.builder()
                    .title(title)
                    .readOnlyHint(kind.readOnly)
                    .destructiveHint(kind.destructive)
                    .idempotentHint(kind.idempotent)
                    .openWorldHint(kind.openWorld)
                    .build())
            .build();
    specs.add(
        new SyncToolSpecification(
            tool,
            (exchange, request) ->
                ToolResults.run(
                    name,
                    () ->
                        handler.apply(
                            McpCaller.from(exchange.transportContext()),
                            new McpArgs(request.arguments())))));
  }

  List<SyncToolSpecification> specs() {
    return List.copyOf(specs);
  }
}
