package dev.berth.mcp.tool;

import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who called a tool and on which session. The transport puts the authenticated principal in the
 * context of every request; a session token may leave {@code session_id} out and can never name
 * another session (which it is told does not exist, as on the REST API). {@code progress} reaches
 * the client of this one call, when it asked for progress. {@code browser} is what a login link for
 * this caller needs (empty when the call did not come over HTTP).
 */
public record McpCaller(Principal principal, ToolProgress progress, Optional<Browser> browser) {
  public static final String CONTEXT_KEY = "berth.principal";

  /** The key of the caller's {@link Browser} in the MCP transport context. */
  public static final String BROWSER_KEY = "berth.browser";

  /**
   * The credential the call was let in with (a login link is written only while it still works) and
   * the origin a browser opens each session's app at, as the HTTP request showed them.
   */
  public record Browser(LoginProof proof, Function<SessionId, String> appOrigins) {}

  public McpCaller {
    progress = progress == null ? ToolProgress.NONE : progress;
    browser = browser == null ? Optional.empty() : browser;
  }

  public McpCaller(Principal principal, ToolProgress progress) {
    this(principal, progress, Optional.empty());
  }

  /** A caller whose call wants no progress. */
  public McpCaller(Principal principal) {
    this(principal, ToolProgress.NONE);
  }

  /** The same caller, for a call whose progress goes to {@code progress}. */
  public McpCaller withProgress(ToolProgress progress) {
    return new McpCaller(principal, progress, browser);
  }

  public static McpCaller from(McpTransportContext context) {
    Object p = context == null ? null : context.get(CONTEXT_KEY);
    if (!(p instanceof Principal principal)) {
      throw new BerthException(ErrorCode.UNAUTHORIZED, "not authenticated: send a bearer token");
    }
    Object b = context.get(BROWSER_KEY);
    return new McpCaller(
        principal, ToolProgress.NONE, Optional.ofNullable(b instanceof Browser x ? x : null));
  }

  public SessionId session(McpArgs args) {
    Optional<String> given = args.string("session_id");
    if (given.isEmpty()) {
      if (principal instanceof Principal.SessionScoped scoped) {
        return scoped.sessionId();
      }
      throw BerthException.badRequest(
          "session_id is required (the admin token acts on any session)");
    }
    SessionId id = SessionId.of(given.get());
    principal.checkAccess(id);
    return id;
  }
}
