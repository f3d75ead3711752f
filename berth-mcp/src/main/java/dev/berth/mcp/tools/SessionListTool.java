package dev.berth.mcp.tools;

import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.registry.SessionFilter;
import dev.berth.service.SessionService;

/** session_list: the live sessions this caller may see. */
final class SessionListTool {
  private SessionListTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_list",
        "List sessions",
        "List live sessions: id, template, backend, status, endpoints. A session token sees only"
            + " its own session.",
        ToolKind.READ,
        Schema.object(),
        (caller, args) ->
            ToolResults.text(
                SessionViews.json(
                    sessions.list(SessionFilter.ALL_LIVE).stream()
                        .filter(s -> caller.principal().canAccess(s.id()))
                        .map(SessionViews::view)
                        .toList())));
  }
}
