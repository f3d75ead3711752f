package dev.berth.mcp.tools;

import dev.berth.base.SessionId;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.SessionStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** session_create: a new session from a template, ready when the answer comes. */
final class SessionCreateTool {
  private SessionCreateTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_create",
        "Create a session",
        "Create a session from a template (admin token only) and wait until it is ready. Returns"
            + " the session (status, endpoints, resource names) and its token, shown only here.",
        ToolKind.ADDITIVE,
        Schema.object()
            .optional("template", Schema.string().description("template name (default: default)"))
            .optional(
                "id",
                Schema.string()
                    .description("session id (default: generated); 1-40 of a-z, 0-9, '-'"))
            .optional(
                "backend",
                Schema.string().description("backend (default: the template's or the server's)"))
            .optional(
                "labels",
                Schema.mapOf(Schema.string())
                    .description("labels for the session, name to value (default none)")),
        (caller, args) -> {
          caller.principal().checkAdmin("session_create");
          var request =
              new CreateSessionRequest(
                  args.string("id").map(SessionId::of),
                  args.string("template"),
                  args.string("backend"),
                  args.stringMap("labels"),
                  true);
          CreatedSession created = sessions.create(request);
          Map<String, Object> out = new LinkedHashMap<>(SessionViews.view(created.session()));
          out.put("token", created.token());
          created.noToken().ifPresent(why -> out.put("no_token", why));
          out.put("pooled", created.pooled());
          // A failed start still made a session (and a token): the agent gets both, as an error.
          return created.session().status() == SessionStatus.FAILED
              ? ToolResults.error(
                  "session "
                      + created.session().id()
                      + " failed to start: "
                      + created.session().statusReason()
                      + "\n"
                      + SessionViews.json(out))
              : ToolResults.text(SessionViews.json(out));
        });
  }
}
