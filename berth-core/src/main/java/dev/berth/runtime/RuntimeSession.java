package dev.berth.runtime;

import dev.berth.base.SessionId;
import dev.berth.template.Template;
import java.util.Map;

/**
 * What a runtime is told about a session on every call: who it is, the handle its resources are
 * named from, the template it was created from, its labels, and the runtime's own persisted state
 * (empty before {@code prepare}).
 *
 * <p>The {@code handle} is what a runtime names and labels resources from, never the {@code id}:
 * for every normal session the two are equal ({@link #fresh(SessionId, Template, Map)}), so names
 * and labels are exactly the ones derived from the session id. They differ only for a workspace
 * prepared before its session existed (a warm-pool member), which keeps the handle it was prepared
 * under when it is bound to a session; see {@link SessionRuntime} ("Handles and binding"). The
 * {@code id} is for what the session's owner sees: messages, and the {@code BERTH_SESSION_ID} the
 * app gets.
 *
 * @param handle DNS-label safe, like a session id; never blank
 */
public record RuntimeSession(
    SessionId id,
    String handle,
    Template template,
    Map<String, String> labels,
    RuntimeState state) {
  public RuntimeSession {
    if (handle == null || handle.isBlank()) {
      throw new IllegalArgumentException("a runtime session needs a handle");
    }
    labels = Map.copyOf(labels);
  }

  /** A normal session before {@code prepare}: its handle is its id. */
  public static RuntimeSession fresh(SessionId id, Template template, Map<String, String> labels) {
    return fresh(id, id.value(), template, labels);
  }

  /** A session before {@code prepare}, under a handle of the caller's choice. */
  public static RuntimeSession fresh(
      SessionId id, String handle, Template template, Map<String, String> labels) {
    return new RuntimeSession(id, handle, template, labels, RuntimeState.EMPTY);
  }

  public RuntimeSession withState(RuntimeState newState) {
    return new RuntimeSession(id, handle, template, labels, newState);
  }
}
