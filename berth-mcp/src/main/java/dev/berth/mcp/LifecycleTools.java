package dev.berth.mcp;

import dev.berth.base.SessionId;
import dev.berth.reconcile.SessionLife;
import dev.berth.registry.SessionFilter;
import dev.berth.service.SessionService;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/** session_create, session_list, session_info, session_delete. */
final class LifecycleTools {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SESSION_ID =
      "\"session_id\":{\"type\":\"string\",\"description\":\"the session; may be left out with a"
          + " session token\"}";

  private LifecycleTools() {}

  static void register(ToolCatalog catalog, SessionService sessions) {
    catalog.add(
        "session_create",
        "Create a session",
        "Create a session from a template (admin token only) and wait until it is ready. Returns"
            + " the session (status, endpoints, resource names) and its token, shown only here.",
        ToolCatalog.Kind.ADDITIVE,
        """
        {"template":{"type":"string","description":"template name (default: default)"},
         "id":{"type":"string","description":"session id (default: generated); 1-40 of a-z, 0-9, '-'"},
         "backend":{"type":"string","description":"backend (default: the template's or the server's)"},
         "labels":{"type":"object","additionalProperties":{"type":"string"}}}""",
        List.of(),
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
          Map<String, Object> out = new LinkedHashMap<>(view(created.session()));
          out.put("token", created.token());
          return created.session().status().name().equals("FAILED")
              ? ToolResults.error(
                  "session "
                      + created.session().id()
                      + " failed to start: "
                      + created.session().statusReason()
                      + "\n"
                      + json(out))
              : ToolResults.text(json(out));
        });

    catalog.add(
        "session_list",
        "List sessions",
        "List live sessions: id, template, backend, status, endpoints. A session token sees only"
            + " its own session.",
        ToolCatalog.Kind.READ,
        "{}",
        List.of(),
        (caller, args) ->
            ToolResults.text(
                json(
                    sessions.list(SessionFilter.ALL_LIVE).stream()
                        .filter(s -> caller.principal().canAccess(s.id()))
                        .map(LifecycleTools::view)
                        .toList())));

    catalog.add(
        "session_info",
        "Show a session",
        "One session: status (and why), template, backend, endpoints (port -> URL), the backend's"
            + " resource names, created and last activity times, and 'life': why it is still"
            + " alive (last activity and via what) and when it will be culled (idle timeout, max"
            + " lifetime) or restarted.",
        ToolCatalog.Kind.READ,
        "{" + SESSION_ID + "}",
        List.of(),
        (caller, args) -> {
          Session s = sessions.get(caller.session(args));
          Map<String, Object> out = view(s);
          out.put("life", life(SessionLife.of(sessions, s)));
          return ToolResults.text(json(out));
        });

    catalog.add(
        "session_delete",
        "Delete a session",
        "Remove everything the session owns (admin token only). Returns the cleanup receipt: each"
            + " resource removed, each that could not be, with the reason. Deleting again is safe.",
        ToolCatalog.Kind.DESTRUCTIVE_IDEMPOTENT,
        "{\"session_id\":{\"type\":\"string\"}}",
        List.of("session_id"),
        (caller, args) -> {
          SessionId id = caller.session(args);
          caller.principal().checkAdmin("session_delete");
          SessionCleanupReceipt receipt = sessions.delete(id);
          return receipt.complete()
              ? ToolResults.text(json(receipt))
              : ToolResults.error(
                  "cleanup incomplete; call session_delete again to retry\n" + json(receipt));
        });
  }

  static Map<String, Object> view(Session s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("session_id", s.id().value());
    out.put("template", s.template());
    out.put("backend", s.backend());
    out.put("status", s.status().name());
    Optional.of(s.statusReason()).filter(r -> !r.isEmpty()).ifPresent(r -> out.put("reason", r));
    out.put("endpoints", s.endpoints());
    out.put("resources", s.runtimeState().values());
    out.put("labels", s.labels());
    out.put("created_at", s.createdAt().toString());
    out.put("last_activity_at", s.lastActivityAt().toString());
    return out;
  }

  static Map<String, Object> life(SessionLife l) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("explanation", l.explanation());
    out.put("last_activity_at", l.lastActivityAt().toString());
    out.put("last_activity_via", l.lastActivityVia());
    out.put("idle_timeout_seconds", l.idleTimeout().toSeconds());
    l.idleCullAt().ifPresent(t -> out.put("idle_cull_at", t.toString()));
    out.put("max_lifetime_seconds", l.maxLifetime().toSeconds());
    l.lifetimeEndsAt().ifPresent(t -> out.put("lifetime_ends_at", t.toString()));
    out.put("cull_action", l.action().yamlName());
    out.put("restarts", l.restarts());
    l.nextRestartAt().ifPresent(t -> out.put("next_restart_at", t.toString()));
    return out;
  }

  static String json(Object value) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
  }
}
