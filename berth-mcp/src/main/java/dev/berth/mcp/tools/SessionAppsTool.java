package dev.berth.mcp.tools;

import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolKind;
import dev.berth.mcp.tool.ToolResults;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
import dev.berth.template.ProxySettings;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * session_apps: what a session serves (its app's ports and its extra containers' ports, each with
 * the path the browser proxy opens it at) and the templates sessions can be made from.
 */
final class SessionAppsTool {
  private SessionAppsTool() {}

  static ToolDefinition definition(SessionService sessions) {
    return new ToolDefinition(
        "session_apps",
        "List a session's apps and the templates",
        "The session's apps: each port its template declares (the main app's first, the one the"
            + " proxy opens at /s/<id>/), with the container that listens on it, its proxy path"
            + " (/s/<id>/port/<n>/ for the others) and, when the session runs, the address the"
            + " backend gives it; and 'templates': every template (name, description, app ports),"
            + " the session's own marked. A browser opens a proxy path after logging in with a"
            + " login link (POST /api/v1/sessions/<id>/login-link on the REST API).",
        ToolKind.READ,
        Schema.object().optional("session_id", CommonInputs.SESSION_ID),
        (caller, args) -> {
          Session s = sessions.get(caller.session(args));
          Template t = sessions.templateOrBuiltin(s);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("session_id", s.id().value());
          out.put("status", s.status().name());
          out.put("template", t.name());
          List<Map<String, Object>> apps = new ArrayList<>();
          List<Integer> ports = t.app().ports();
          for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            Map<String, Object> app = new LinkedHashMap<>();
            app.put("container", SessionContainer.MAIN);
            app.put("port", port);
            app.put("primary", i == 0);
            app.put(
                "proxy_path",
                i == 0 ? ProxySettings.basePath(s.id()) : ProxySettings.basePath(s.id(), port));
            String endpoint = s.endpoints().get(port);
            if (endpoint != null) {
              app.put("endpoint", endpoint);
            }
            apps.add(app);
          }
          for (SessionContainer c : t.containers().inStartOrder()) {
            for (int port : c.ports()) {
              Map<String, Object> app = new LinkedHashMap<>();
              app.put("container", c.type());
              app.put("port", port);
              app.put("primary", false);
              app.put(
                  "proxy_path", "/s/" + s.id().value() + "/c/" + c.type() + "/port/" + port + "/");
              apps.add(app);
            }
          }
          out.put("apps", apps);
          if (apps.isEmpty()) {
            out.put(
                "note",
                "template '"
                    + t.name()
                    + "' declares no app ports: the session is a workspace for files and"
                    + " commands");
          }
          List<Map<String, Object>> templates = new ArrayList<>();
          for (Template each : sessions.templates().current().all()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", each.name());
            one.put("description", each.description());
            one.put("ports", each.app().ports());
            one.put("this_session", each.name().equals(t.name()));
            templates.add(one);
          }
          out.put("templates", templates);
          return ToolResults.text(SessionViews.json(out));
        });
  }
}
