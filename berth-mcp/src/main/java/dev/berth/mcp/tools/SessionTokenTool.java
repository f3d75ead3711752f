package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * session_token: a new token for a session, for an agent that lost the one session_create returned
 * (the call was interrupted). The old token stops working at once.
 */
final class SessionTokenTool {
  private SessionTokenTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_token",
        "Issue a new session token",
        "Replace a session's token with a new one (admin token, or the session's own token) and"
            + " return it, shown only here. The old token stops working at once, on MCP, the REST"
            + " API and the browser proxy; a client connected with it must reconnect with the new"
            + " one.",
        ToolKind.DESTRUCTIVE,
        Schema.object().optional("session_id", CommonInputs.SESSION_ID),
        (caller, args) -> {
          // As on REST: another session's token is refused (403) whether that session exists or
          // not, before the id is looked at.
          args.string("session_id")
              .map(SessionId::of)
              .ifPresent(id -> caller.principal().checkSelfOrAdmin(id, "session_token"));
          SessionId id = caller.session(args);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("session_id", id.value());
          out.put("token", sessions.rotateToken(id, caller.principal()));
          return ToolResults.text(SessionViews.json(out));
        });
  }
}
