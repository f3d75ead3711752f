package dev.berth.api;

import dev.berth.session.SessionEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session event as every edge shows it, the REST list and the SSE stream alike: its {@code data}
 * is JSON when the event's details are JSON (a status change's from/to, a receipt), text otherwise
 * (a log tail), and absent details are an empty string.
 */
final class EventViews {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private EventViews() {}

  static Map<String, Object> view(SessionEvent e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", e.id());
    out.put("sessionId", e.sessionId().value());
    out.put("incarnation", e.incarnation());
    out.put("at", e.at().toString());
    out.put("type", e.type());
    out.put("message", e.message());
    out.put("data", structured(e.data()));
    return out;
  }

  static List<Map<String, Object>> views(List<SessionEvent> events) {
    return events.stream().map(EventViews::view).toList();
  }

  /** JSON details as JSON, anything else as text. */
  static Object structured(String data) {
    if (data.startsWith("{")) {
      try {
        return JSON.readTree(data);
      } catch (RuntimeException notJson) {
        return data;
      }
    }
    return data;
  }
}
