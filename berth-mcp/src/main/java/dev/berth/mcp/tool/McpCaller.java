package dev.berth.mcp.tool;

import dev.berth.auth.Principal;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Optional;

/**
 * Who called a tool and on which session. The transport puts the authenticated principal in the
 * context of every request; a session token may leave {@code session_id} out and can never name
 * another session (which it is told does not exist, as on the REST API). {@code progress} reaches
 * the client of this one call, when it asked for progress.
 */
public record McpCaller(Principal principal, ToolProgress progress) {
  public static final String CONTEXT_KEY = "berth.principal";

  public McpCaller {
    progress = progress == null ? ToolProgress.NONE : progress;
  }

  /** A caller whose call wants no progress. */
  public McpCaller(Principal principal) {
    this(principal, ToolProgress.NONE);
  }

  /** The same caller, for a call whose progress goes to {@code progress}. */
  public McpCaller withProgress(ToolProgress progress) {
    return new McpCaller(principal, progress);
  }

  public static McpCaller from(McpTransportContext context) {
    Object p = context == null ? null : context.get(CONTEXT_KEY);
    if (!(p instanceof Principal principal)) {
      throw new BerthException(ErrorCode.UNAUTHORIZED, "not authenticated: send a bearer token");
    }
    return new McpCaller(principal);
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
