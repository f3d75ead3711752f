package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;

/**
 * session_start_container: one of a session's extra containers started alone, as {@code POST
 * .../containers/{type}/start} does; like a session's own start, the admin's.
 */
final class StartContainerTool {
  private StartContainerTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_start_container",
        "Start one container",
        "Start one extra container of a RUNNING session alone (admin token only), leaving the main"
            + " container and the others as they are: a 'start: manual' one (listed as missing"
            + " until it is first started), or one session_info lists as stopped or exited."
            + " container: its type, as session_info lists it; the main one ('session') starts"
            + " with its session and is refused here. Starting a running one changes nothing."
            + " Returns the session's containers (type, name, state, detail) afterwards. Some"
            + " backends cannot start one container alone (Kubernetes) and say so.",
        ToolKind.DESTRUCTIVE,
        // Required even with a session token (which may not start one), as session_delete's.
        Schema.object()
            .required("session_id", Schema.string().description("the session"))
            .required("container", CommonInputs.CONTAINER),
        (caller, args) -> {
          SessionId id = caller.session(args);
          caller.principal().checkAdmin("session_start_container");
          return ToolResults.text(
              SessionViews.json(
                  SessionViews.containers(
                      sessions.containers().start(id, args.requiredString("container")))));
        });
  }
}
