package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.changes.Change;
import dev.berth.service.changes.ChangePage;
import dev.berth.service.changes.SessionChanges;
import java.time.Duration;
import java.util.Optional;

/**
 * session_changes: what changed in the workspace since a cursor, and by whom (api, mcp, session),
 * as {@code GET .../changes} streams it; one answer per call, for agents that look from time to
 * time ("what did the human change since I last looked?").
 */
final class SessionChangesTool {
  static final int DEFAULT_LIMIT = 200;
  static final int MAX_WAIT_SECONDS = 30;

  private SessionChangesTool() {}

  static ToolDefinition definition(SessionWorkspace workspace) {
    return new ToolDefinition(
        "session_changes",
        "What changed in the workspace",
        "Which files changed in the session's workspace since a cursor, and by whom: 'api' (a"
            + " client of Berth's REST API, e.g. a human's editor), 'mcp' (an agent's tools),"
            + " 'session' (a process inside the session). Call it first without a cursor: it starts"
            + " watching and returns the cursor to pass next time; changes made before that are"
            + " not reported. Each answer ends with the cursor for the next call.",
        ToolKind.READ,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .optional(
                "cursor",
                Schema.integer()
                    .minimum(0)
                    .description("the cursor the last call returned; leave out to start from now"))
            .optional(
                "limit",
                Schema.integer()
                    .minimum(1)
                    .maximum(SessionChanges.MAX_LIMIT)
                    .description("at most this many changes (default " + DEFAULT_LIMIT + ")"))
            .optional(
                "wait_seconds",
                Schema.integer()
                    .minimum(0)
                    .maximum(MAX_WAIT_SECONDS)
                    .description(
                        "seconds to wait for a change when there is none yet (default 0)")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          Optional<Long> cursor = args.longInteger("cursor", 0, Long.MAX_VALUE);
          int limit = args.integer("limit", 1, SessionChanges.MAX_LIMIT).orElse(DEFAULT_LIMIT);
          int wait = args.integer("wait_seconds", 0, MAX_WAIT_SECONDS).orElse(0);
          ChangePage page = workspace.changes(id, cursor, limit, Duration.ofSeconds(wait));
          return ToolResults.text(render(page, cursor.isEmpty()));
        });
  }

  static String render(ChangePage page, boolean started) {
    StringBuilder out = new StringBuilder();
    if (page.gap()) {
      out.append(
          "[changes may have been missed: the cursor is older than what Berth holds for this"
              + " session; re-read the files you depend on]\n");
    }
    if (started) {
      out.append("Watching from now.\n");
    } else if (page.changes().isEmpty()) {
      out.append("No changes.\n");
    }
    for (Change c : page.changes()) {
      out.append(c.kind())
          .append(' ')
          .append(c.path().isEmpty() ? "(anything: the watcher lost track)" : c.path())
          .append(" (by ")
          .append(c.by())
          .append(")\n");
    }
    if (page.more()) {
      out.append("[more changes: call again with this cursor]\n");
    }
    page.ended().ifPresent(why -> out.append("[watching ended: ").append(why).append("]\n"));
    if (!page.watching().equals("native") && !page.watching().equals("polling")) {
      out.append("[changes by the session's processes are not seen: ")
          .append(page.watching().replaceFirst("^none: ", ""))
          .append("]\n");
    }
    out.append("cursor: ").append(page.cursor());
    return out.toString();
  }
}
