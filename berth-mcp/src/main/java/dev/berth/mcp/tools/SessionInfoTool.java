package dev.berth.mcp.tools;

import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.reconcile.SessionLife;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
import java.util.Map;

/** session_info: one session, with why it is still alive and when it will not be. */
final class SessionInfoTool {
  private SessionInfoTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_info",
        "Show a session",
        "One session: status (and why), template, backend, endpoints (port -> URL), the backend's"
            + " resource names, created and last activity times, and 'life': why it is still"
            + " alive (last activity and via what) and when it will be culled (idle timeout, max"
            + " lifetime) or restarted; and 'containers': each of its containers (type, name,"
            + " state, detail), the main one ('session') first.",
        ToolKind.READ,
        Schema.object().optional("session_id", CommonInputs.SESSION_ID),
        (caller, args) -> {
          Session s = sessions.get(caller.session(args));
          Map<String, Object> out = SessionViews.view(s);
          out.put("life", SessionViews.life(SessionLife.of(sessions, s)));
          out.put("containers", SessionViews.containers(sessions.containers().list(s.id())));
          return ToolResults.text(SessionViews.json(out));
        });
  }
}
