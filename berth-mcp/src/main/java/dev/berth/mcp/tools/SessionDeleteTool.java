package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;
import dev.berth.session.SessionCleanupReceipt;

/** session_delete: everything the session owns removed, with the receipt. */
final class SessionDeleteTool {
  private SessionDeleteTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_delete",
        "Delete a session",
        "Remove everything the session owns (admin token only). Returns the cleanup receipt: each"
            + " resource removed, each that could not be, with the reason. Deleting again is safe.",
        ToolKind.DESTRUCTIVE_IDEMPOTENT,
        // Required even with a session token (which may not delete): a delete names its target.
        Schema.object()
            .required("session_id", Schema.string().description("the session to delete")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          caller.principal().checkAdmin("session_delete");
          SessionCleanupReceipt receipt = sessions.delete(id);
          return receipt.complete()
              ? ToolResults.text(SessionViews.json(receipt))
              : ToolResults.error(
                  "cleanup incomplete; call session_delete again to retry\n"
                      + SessionViews.json(receipt));
        });
  }
}
