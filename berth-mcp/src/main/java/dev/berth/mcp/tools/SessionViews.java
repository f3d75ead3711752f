package dev.berth.mcp.tools;

import dev.berth.reconcile.SessionLife;
import dev.berth.runtime.ContainerStatus;
import dev.berth.session.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the lifecycle tools show a session and its containers: the same JSON shape in create, list
 * and info, and the same container list in info and the container tools.
 */
final class SessionViews {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SessionViews() {}

  static Map<String, Object> view(Session s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("session_id", s.id().value());
    out.put("template", s.template());
    out.put("backend", s.backend());
    out.put("status", s.status().name());
    Optional.of(s.statusReason()).filter(r -> !r.isEmpty()).ifPresent(r -> out.put("reason", r));
    out.put("endpoints", s.endpoints());
    out.put("resources", snakeKeys(s.runtimeState().values()));
    out.put("labels", s.labels());
    out.put("created_at", s.createdAt().toString());
    out.put("last_activity_at", s.lastActivityAt().toString());
    return out;
  }

  /**
   * A backend's resource names with snake_case keys ({@code pidStart} is {@code pid_start}), the
   * one naming convention of every MCP result; the registry keeps the backend's own keys.
   */
  static Map<String, String> snakeKeys(Map<String, String> values) {
    Map<String, String> out = new java.util.TreeMap<>();
    values.forEach((k, v) -> out.put(snake(k), v));
    return out;
  }

  static String snake(String key) {
    var sb = new StringBuilder();
    for (char c : key.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c == '-' ? '_' : c);
      }
    }
    return sb.toString();
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

  /** Each container (type, name, state, detail), in the order the service lists them. */
  static List<Map<String, Object>> containers(List<ContainerStatus> list) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ContainerStatus c : list) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("type", c.type());
      one.put("name", c.name());
      one.put("state", c.phase().apiName());
      one.put("detail", c.detail());
      out.add(one);
    }
    return out;
  }

  /** Pretty JSON: agents and people read these answers. */
  static String json(Object value) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
  }
}
