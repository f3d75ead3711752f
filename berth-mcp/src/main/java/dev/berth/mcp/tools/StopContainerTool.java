package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;

/**
 * session_stop_container: one of a session's extra containers stopped alone, as {@code POST
 * .../containers/{type}/stop} does; like a session's own stop, the admin's.
 */
final class StopContainerTool {
  private StopContainerTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_stop_container",
        "Stop one container",
        "Stop one extra container of a RUNNING session alone (admin token only) and wait for it to"
            + " end, leaving the main container, the others and the workspace as they are; it"
            + " stays stopped (Berth does not restart it) until session_start_container starts"
            + " it or the session is started again. container: its type, as session_info lists"
            + " it; the main one"
            + " ('session') stops with its session and is refused here. Stopping a stopped one"
            + " changes nothing. Returns the session's containers (type, name, state, detail)"
            + " afterwards. Some backends cannot stop one container alone (Kubernetes) and say"
            + " so.",
        ToolKind.DESTRUCTIVE_IDEMPOTENT,
        // Required even with a session token (which may not stop one), as session_delete's.
        Schema.object()
            .required("session_id", Schema.string().description("the session"))
            .required("container", CommonInputs.CONTAINER),
        (caller, args) -> {
          SessionId id = caller.session(args);
          caller.principal().checkAdmin("session_stop_container");
          return ToolResults.text(
              SessionViews.json(
                  SessionViews.containers(
                      sessions.containers().stop(id, args.requiredString("container")))));
        });
  }
}
