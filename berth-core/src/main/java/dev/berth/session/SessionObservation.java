package dev.berth.session;

import dev.berth.runtime.RuntimeState;
import java.time.Instant;
import java.util.Map;

/**
 * What was last observed of a session and what Berth made of it: its status, the runtime's state
 * (every generated name) and where its apps answer.
 *
 * @param statusReason why the session is in its status, mostly for FAILED; for a RUNNING session,
 *     which of its extra containers is down (waiting for its restart, or not restarted); empty
 *     otherwise
 * @param endpoints declared app port to the URL where it answers from Berth's host
 * @param updatedAt when any of these last changed
 */
public record SessionObservation(
    SessionStatus status,
    String statusReason,
    RuntimeState runtimeState,
    Map<Integer, String> endpoints,
    Instant updatedAt) {

  public SessionObservation {
    statusReason = statusReason == null ? "" : statusReason;
    endpoints = Map.copyOf(endpoints);
  }

  /** A session just recorded: PENDING, nothing prepared, no endpoint. */
  public static SessionObservation pending(Instant at) {
    return new SessionObservation(SessionStatus.PENDING, "", RuntimeState.EMPTY, Map.of(), at);
  }

  /** In {@code next} status; refuses a move the state machine does not allow. */
  public SessionObservation withStatus(SessionStatus next, String reason, Instant now) {
    status.checkTransition(next);
    return new SessionObservation(next, reason, runtimeState, endpoints, now);
  }

  /** The same status with another reason (a RUNNING session's: which container is down). */
  public SessionObservation withReason(String reason, Instant now) {
    return new SessionObservation(status, reason, runtimeState, endpoints, now);
  }

  public SessionObservation withRuntimeState(RuntimeState state, Instant now) {
    return new SessionObservation(status, statusReason, state, endpoints, now);
  }

  public SessionObservation withEndpoints(Map<Integer, String> next, Instant now) {
    return new SessionObservation(status, statusReason, runtimeState, next, now);
  }
}
