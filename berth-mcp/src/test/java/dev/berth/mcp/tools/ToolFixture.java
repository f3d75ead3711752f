package dev.berth.mcp.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.auth.Principal;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.service.SessionService;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.TestServices;
import dev.berth.session.CreateSessionRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real service on the local runtime for calling one tool's handler directly, without a transport:
 * the MCP wire is McpHttpTest's job. The only place these tests meet the service's construction, so
 * a change there is adapted here once.
 */
final class ToolFixture implements AutoCloseable {
  static final McpCaller ADMIN = new McpCaller(new Principal.Admin());
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final TestServices services;
  final SessionService sessions;
  final SessionWorkspace workspace;

  ToolFixture(Path home) {
    this.services = new TestServices(home);
    this.sessions = services.service;
    this.workspace = sessions.workspace().via("mcp");
  }

  /** A running session on the default template. */
  SessionId session(String id) {
    return sessions
        .create(
            new CreateSessionRequest(
                Optional.of(SessionId.of(id)), Optional.empty(), Optional.empty(), Map.of(), true))
        .session()
        .id();
  }

  void write(SessionId id, String path, String content) {
    workspace.writeFile(
        id, path, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
  }

  String read(SessionId id, String path) {
    return new String(workspace.readFile(id, path), StandardCharsets.UTF_8);
  }

  /** The caller holding {@code id}'s session token. */
  static McpCaller tokenOf(SessionId id) {
    return new McpCaller(new Principal.SessionScoped(id));
  }

  /** Arguments as name, value pairs, in order. */
  static Map<String, Object> args(Object... pairs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1]);
    }
    return out;
  }

  static String ok(ToolDefinition tool, McpCaller caller, Map<String, Object> args) {
    CallToolResult r = tool.call(caller, args);
    assertThat(r.isError()).as(tool.name() + " " + args + " -> " + text(r)).isFalse();
    return text(r);
  }

  static String error(ToolDefinition tool, McpCaller caller, Map<String, Object> args) {
    CallToolResult r = tool.call(caller, args);
    assertThat(r.isError()).as(tool.name() + " " + args + " should fail; got " + text(r)).isTrue();
    return text(r);
  }

  /**
   * Pins the input schema {@code tool} advertises, compared as parsed JSON (key order aside): the
   * schema is what every client validates against, so a change must be deliberate.
   */
  static void assertAdvertisedSchema(ToolDefinition tool, String json) {
    JsonNode advertised = JSON.valueToTree(tool.advertised().inputSchema());
    assertThat(advertised)
        .as(tool.name() + "'s advertised input schema")
        .isEqualTo(JSON.readTree(json));
  }

  static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @Override
  public void close() {
    services.close();
  }
}
