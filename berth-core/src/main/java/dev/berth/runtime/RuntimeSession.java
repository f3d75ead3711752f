package dev.berth.runtime;

import dev.berth.base.SessionId;
import dev.berth.template.Template;
import java.util.Map;

/**
 * What a runtime is told about a session on every call: who it is, the template it was created
 * from, its labels, and the runtime's own persisted state (empty before {@code prepare}).
 */
public record RuntimeSession(
    SessionId id, Template template, Map<String, String> labels, RuntimeState state) {
  public RuntimeSession {
    labels = Map.copyOf(labels);
  }

  public static RuntimeSession fresh(SessionId id, Template template, Map<String, String> labels) {
    return new RuntimeSession(id, template, labels, RuntimeState.EMPTY);
  }

  public RuntimeSession withState(RuntimeState newState) {
    return new RuntimeSession(id, template, labels, newState);
  }
}
