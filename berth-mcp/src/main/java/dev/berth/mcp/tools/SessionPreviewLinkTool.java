package dev.berth.mcp.tools;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.LoginLinks;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
import dev.berth.template.ProxySettings;
import dev.berth.template.Template;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * session_preview_link: a one-time browser login link through Berth's proxy to a port the session's
 * app listens on (the primary app's by default), also a port the template did not declare.
 */
final class SessionPreviewLinkTool {
  private SessionPreviewLinkTool() {}

  static ToolDefinition definition(SessionService sessions, LoginLinks links) {
    return new ToolDefinition(
        "session_preview_link",
        "Get a browser link to an app in the session",
        "A link a person opens in a browser to see an app the session serves, through Berth's"
            + " proxy: the primary app (/s/<id>/) by default, or 'port' (/s/<id>/port/<n>/),"
            + " declared by the template or not (e.g. a dev server the agent started). The link"
            + " logs the browser in once, within "
            + dev.berth.auth.BrowserLogins.LINK_TTL.toSeconds()
            + " seconds: hand it to the person, do not fetch it yourself. Needs the HTTP"
            + " transport (or berth mcp, which uses it).",
        ToolKind.ADDITIVE,
        Schema.object()
            .optional("session_id", CommonInputs.SESSION_ID)
            .optional(
                "port",
                Schema.integer()
                    .minimum(1)
                    .description(
                        "the TCP port the app listens on inside the session (1-65535); left out:"
                            + " the template's primary app port")),
        (caller, args) -> {
          SessionId id = caller.session(args);
          Session s = sessions.get(id);
          Template t = sessions.templateOrBuiltin(s);
          List<Integer> declared = t.app().ports();
          int port =
              args.integer("port", 1, 65535)
                  .orElseGet(
                      () -> {
                        if (declared.isEmpty()) {
                          throw BerthException.badRequest(
                              "template '"
                                  + t.name()
                                  + "' declares no app ports: give 'port', the port your app"
                                  + " listens on");
                        }
                        return declared.getFirst();
                      });
          boolean primary = !declared.isEmpty() && declared.getFirst() == port;
          String path = primary ? ProxySettings.basePath(id) : ProxySettings.basePath(id, port);
          McpCaller.Browser browser =
              caller
                  .browser()
                  .orElseThrow(
                      () ->
                          BerthException.badRequest(
                              "a preview link needs the caller's HTTP request (the /mcp"
                                  + " endpoint, or berth mcp): this call has none"));
          LoginLinks.Issued link = links.issue(id, caller.principal(), browser.proof());
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("session_id", id.value());
          out.put("port", port);
          out.put("declared", declared.contains(port));
          out.put("path", path);
          out.put("url", browser.appOrigins().apply(id) + path + "?token=" + link.code());
          out.put("expires_at", link.expiresAt().toString());
          out.put("status", s.status().name());
          if (!declared.contains(port)) {
            out.put(
                "note",
                "port "
                    + port
                    + " is not declared by template '"
                    + t.name()
                    + "': the proxy opens it on backends that reach the session's container at"
                    + " its own address (Docker without published ports); elsewhere it answers"
                    + " 404 saying so");
          }
          return ToolResults.text(SessionViews.json(out));
        });
  }
}
