package dev.berth.mcp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.berth.mcp.tool.LoginLinks;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.mcp.tools.ChangesResource;
import dev.berth.mcp.tools.McpTools;
import dev.berth.service.SessionService;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Berth's MCP server: one set of session-aware tools over {@link SessionService}, whatever the
 * transport. The tools are the same calls the REST API makes, so both edges share one path.
 */
public final class BerthMcp {
  /**
   * An explicit mapper: the SDK's ServiceLoader lookup is fragile inside a shaded jar. The SDK's
   * HTTP transport answers a bad request by serializing its {@code McpError}, a Throwable: without
   * the mix-in the 400 body carried the server's whole stack trace.
   */
  public static final McpJsonMapper JSON =
      new JacksonMcpJsonMapper(
          JsonMapper.builder().addMixIn(Throwable.class, NoStackTraces.class).build());

  /** What a Throwable shows when serialized: its message (and its own fields), no internals. */
  @JsonIgnoreProperties({"stackTrace", "cause", "localizedMessage", "suppressed"})
  private interface NoStackTraces {}

  static final String INSTRUCTIONS =
      "Berth sessions are isolated workspaces. Every tool takes session_id (optional with a"
          + " session token). Paths are relative to the workspace root; '..', absolute paths and"
          + " links leading out are refused.";

  private BerthMcp() {}

  /** Every tool of {@link McpTools}, wired to the transport's principal. */
  public static List<SyncToolSpecification> tools(SessionService sessions) {
    return tools(sessions, LoginLinks.NONE);
  }

  /** As above, with the proxy's login links for session_preview_link. */
  public static List<SyncToolSpecification> tools(SessionService sessions, LoginLinks links) {
    List<SyncToolSpecification> specs = new ArrayList<>();
    for (ToolDefinition tool : McpTools.all(sessions, links)) {
      specs.add(
          new SyncToolSpecification(
              tool.advertised(),
              // Inside run too: an unauthenticated call is a tool error, not a protocol error.
              (exchange, request) ->
                  ToolFailureLog.sent(
                      exchange,
                      tool.name(),
                      ToolResults.run(
                          tool.name(),
                          () ->
                              tool.call(
                                  McpCaller.from(exchange.transportContext())
                                      .withProgress(ExchangeProgress.of(exchange, request)),
                                  request.arguments())))));
    }
    return List.copyOf(specs);
  }

  static McpSyncServer streamable(
      McpStreamableServerTransportProvider transport,
      SessionService sessions,
      LoginLinks links,
      String version,
      ChangesResource changes) {
    return McpServer.sync(transport)
        .serverInfo("berth", version)
        .instructions(INSTRUCTIONS)
        // The SDK adds 'logging' to every server's capabilities: ToolFailureLog is what it logs.
        // Resources: the changes of each session (ChangesResource), with subscriptions.
        .capabilities(ServerCapabilities.builder().tools(false).resources(true, false).build())
        .resourceTemplates(changes.specification())
        .jsonMapper(JSON)
        .requestTimeout(Duration.ofHours(1)) // an exec may run as long as execMaxTimeout
        // On the request's own thread: a notifications/cancelled interrupts it (McpCancellations).
        .immediateExecution(true)
        .tools(tools(sessions, links))
        // Berth's tools check their own arguments, in Berth's words, treating null as left out
        // (McpArgs); the SDK's validator refused nulls and extra fields in its own words.
        .validateToolInputs(false)
        // A session token is not offered the tools only the admin token can call.
        .addToolFilter((context, tool) -> McpTools.visibleTo(principal(context), tool.name()))
        .build();
  }

  private static dev.berth.auth.Principal principal(
      io.modelcontextprotocol.common.McpTransportContext context) {
    Object p = context == null ? null : context.get(McpCaller.CONTEXT_KEY);
    return p instanceof dev.berth.auth.Principal principal ? principal : null;
  }
}
