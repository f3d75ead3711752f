package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.service.SessionService;
import dev.berth.service.changes.ChangePage;
import dev.berth.service.changes.SessionChanges;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MCP resource {@code berth://sessions/{session_id}/changes}: what changed in a session's
 * workspace, as {@code session_changes} says it, since this MCP session last read it. Subscribing
 * to it ({@code resources/subscribe}) brings {@code notifications/resources/updated} when something
 * changes (see {@code ChangeSubscriptions}); reading it then answers what, and moves this MCP
 * session's cursor past it.
 */
public final class ChangesResource {
  public static final String TEMPLATE = "berth://sessions/{session_id}/changes";
  private static final Pattern URI = Pattern.compile("berth://sessions/([^/?#]+)/changes");

  /** Read cursors one MCP session keeps at most (one per session it follows). */
  static final int MAX_CURSORS = 64;

  private final SessionService sessions;

  /** MCP session id → (resource URI → the cursor after its last read). */
  private final Map<String, Map<String, Long>> cursors = new ConcurrentHashMap<>();

  public ChangesResource(SessionService sessions) {
    this.sessions = sessions;
  }

  /** The Berth session a changes resource names; empty for any other URI. */
  public static Optional<SessionId> sessionOf(String uri) {
    Matcher m = uri == null ? null : URI.matcher(uri);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(SessionId.of(m.group(1)));
    } catch (BerthException e) {
      return Optional.empty();
    }
  }

  public static String uriOf(SessionId id) {
    return "berth://sessions/" + id + "/changes";
  }

  /**
   * Why {@code caller} may not follow {@code uri}, in words for the client; empty when it may (the
   * URI names a live session this caller can act on).
   */
  public Optional<String> refusal(McpCaller caller, String uri) {
    Optional<SessionId> id = sessionOf(uri);
    if (id.isEmpty()) {
      return Optional.of(
          "unknown resource '" + uri + "': Berth's resources are " + TEMPLATE + " (a session id)");
    }
    try {
      caller.principal().checkAccess(id.get());
      sessions.get(id.get());
      return Optional.empty();
    } catch (BerthException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * This MCP session follows {@code uri} from now on, unless it already read it: its next read
   * answers what changed after this.
   */
  public void startFrom(String mcpSession, String uri) {
    SessionId id = sessionOf(uri).orElseThrow();
    Map<String, Long> mine = cursorsOf(mcpSession);
    synchronized (mine) {
      if (!mine.containsKey(uri)) {
        mine.put(
            uri, sessions.workspace().changes(id, Optional.empty(), 1, Duration.ZERO).cursor());
      }
    }
  }

  /** The MCP session ended: its cursors go. */
  public void forget(String mcpSession) {
    cursors.remove(mcpSession);
  }

  public SyncResourceTemplateSpecification specification() {
    var template =
        new ResourceTemplate(
            TEMPLATE,
            "session_changes",
            "What changed in a session's workspace",
            "Which files changed in the session's workspace since this MCP session last read this"
                + " resource (the first read starts watching), and by whom: 'api', 'mcp' or"
                + " 'session'. Subscribe to it to be told (notifications/resources/updated) when"
                + " something changes.",
            "text/plain",
            null);
    return new SyncResourceTemplateSpecification(template, this::read);
  }

  private ReadResourceResult read(McpSyncServerExchange exchange, McpSchema.ReadResourceRequest r) {
    String uri = r.uri();
    McpCaller caller;
    try {
      caller = McpCaller.from(exchange.transportContext());
    } catch (BerthException e) {
      throw McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message(e.getMessage()).build();
    }
    Optional<String> refused = refusal(caller, uri);
    if (refused.isPresent()) {
      throw McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
          .message(refused.get())
          .build();
    }
    SessionId id = sessionOf(uri).orElseThrow();
    Map<String, Long> mine = cursorsOf(exchange.sessionId());
    // One read at a time per MCP session: two would both answer the same changes.
    synchronized (mine) {
      Optional<Long> from = Optional.ofNullable(mine.get(uri));
      ChangePage page =
          sessions.workspace().changes(id, from, SessionChanges.MAX_LIMIT, Duration.ZERO);
      mine.put(uri, page.cursor());
      String text = SessionChangesTool.render(page, from.isEmpty());
      return new ReadResourceResult(List.of(new TextResourceContents(uri, "text/plain", text)));
    }
  }

  private Map<String, Long> cursorsOf(String mcpSession) {
    return cursors.computeIfAbsent(
        mcpSession,
        k ->
            new LinkedHashMap<>() {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > MAX_CURSORS;
              }
            });
  }
}
