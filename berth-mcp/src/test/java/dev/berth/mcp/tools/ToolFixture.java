package dev.berth.mcp.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Backends;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.service.SessionService;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.Session;
import dev.berth.template.TemplateLoader;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real service on the local runtime for calling one tool's handler directly, without a transport:
 * the MCP wire is McpHttpTest's job. The only place these tests meet the service's construction, so
 * a change there is adapted here once.
 */
public final class ToolFixture implements AutoCloseable {
  static final McpCaller ADMIN = new McpCaller(new Principal.Admin());
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Registry registry;
  public final SessionService sessions;
  public final SessionWorkspace workspace;

  public ToolFixture(Path home) {
    this.registry = Registry.openSqlite(home.resolve("berth.db"));
    this.sessions =
        new SessionService(
            registry,
            Backends.of(new LocalRuntime(home.resolve("sessions"), "test")),
            TemplateLoader.load(home.resolve("templates")),
            new Tokens(registry.tokens(), Clock.systemUTC()),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS);
    this.workspace = sessions.workspace().via("mcp");
  }

  /** A running session on the default template. */
  public SessionId session(String id) {
    return session(id, Optional.empty());
  }

  /** A running session on {@code template}, which {@link #template} wrote before this fixture. */
  SessionId session(String id, String template) {
    return session(id, Optional.of(template));
  }

  private SessionId session(String id, Optional<String> template) {
    return sessions
        .create(
            new CreateSessionRequest(
                Optional.of(SessionId.of(id)), template, Optional.empty(), Map.of(), true))
        .session()
        .id();
  }

  /**
   * Writes template {@code name} into {@code home}'s templates; call it before the fixture is made,
   * which reads the templates once.
   */
  static void template(Path home, String name, String yaml) throws IOException {
    Path dir = Files.createDirectories(home.resolve("templates").resolve(name));
    Files.writeString(dir.resolve("template.yaml"), yaml);
  }

  public void write(SessionId id, String path, String content) {
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

  /**
   * A read, write or edit that succeeded, its answer without the file's version line, which must be
   * its last: '[version: ' and the 32 hex digits of {@code FileVersion}.
   */
  static String okVersioned(ToolDefinition tool, McpCaller caller, Map<String, Object> args) {
    String answer = ok(tool, caller, args);
    assertThat(answer).as("the answer ends with the file's version").containsPattern(VERSION_LINE);
    return VERSION_LINE.matcher(answer).replaceFirst("");
  }

  static final java.util.regex.Pattern VERSION_LINE =
      java.util.regex.Pattern.compile("\n\\[version: [0-9a-f]{32}]$");

  static String error(ToolDefinition tool, McpCaller caller, Map<String, Object> args) {
    CallToolResult r = tool.call(caller, args);
    assertThat(r.isError()).as(tool.name() + " " + args + " should fail; got " + text(r)).isTrue();
    return text(r);
  }

  static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @Override
  public void close() {
    for (Session s : sessions.list(SessionFilter.ALL_LIVE)) {
      sessions.delete(s.id());
    }
    registry.close();
  }
}
