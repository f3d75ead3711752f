package dev.berth.session;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A session as the registry knows it: what was asked for (template, backend, labels) and what was
 * last observed (status, endpoints, the runtime's state).
 *
 * @param statusReason why the session is in its status, mostly for FAILED; empty otherwise
 * @param endpoints declared app port to the URL where it answers from Berth's host
 * @param lastActivityAt the last API, tool or proxy use, for idle culling
 * @param lastActivityVia what that use was ({@code api}, {@code mcp}, {@code proxy}...); empty
 *     before the first
 * @param lifecycle what the owner wants and the reconciler's restart bookkeeping
 * @param culling the session's own idle timeout, max lifetime and cull action, if any
 */
public record Session(
    SessionId id,
    String template,
    String backend,
    SessionStatus status,
    String statusReason,
    Map<String, String> labels,
    RuntimeState runtimeState,
    Map<Integer, String> endpoints,
    Instant createdAt,
    Instant updatedAt,
    Instant lastActivityAt,
    String lastActivityVia,
    SessionLifecycle lifecycle,
    CullSettings culling) {

  public Session {
    labels = Map.copyOf(labels);
    endpoints = Map.copyOf(endpoints);
    statusReason = statusReason == null ? "" : statusReason;
    lastActivityVia = lastActivityVia == null ? "" : lastActivityVia;
  }

  /** A session that wants to run, with its template's culling and no activity recorded yet. */
  public Session(
      SessionId id,
      String template,
      String backend,
      SessionStatus status,
      String statusReason,
      Map<String, String> labels,
      RuntimeState runtimeState,
      Map<Integer, String> endpoints,
      Instant createdAt,
      Instant updatedAt,
      Instant lastActivityAt) {
    this(
        id,
        template,
        backend,
        status,
        statusReason,
        labels,
        runtimeState,
        endpoints,
        createdAt,
        updatedAt,
        lastActivityAt,
        "",
        SessionLifecycle.RUNNING,
        CullSettings.NONE);
  }

  /** A copy in {@code next} status; refuses a move the state machine does not allow. */
  public Session withStatus(SessionStatus next, String reason, Instant now) {
    status.checkTransition(next);
    return new Session(
        id,
        template,
        backend,
        next,
        reason,
        labels,
        runtimeState,
        endpoints,
        createdAt,
        now,
        lastActivityAt,
        lastActivityVia,
        lifecycle,
        culling);
  }

  public Session withRuntimeState(RuntimeState state, Instant now) {
    return new Session(
        id,
        template,
        backend,
        status,
        statusReason,
        labels,
        state,
        endpoints,
        createdAt,
        now,
        lastActivityAt,
        lastActivityVia,
        lifecycle,
        culling);
  }

  public Session withEndpoints(Map<Integer, String> newEndpoints, Instant now) {
    return new Session(
        id,
        template,
        backend,
        status,
        statusReason,
        labels,
        runtimeState,
        newEndpoints,
        createdAt,
        now,
        lastActivityAt,
        lastActivityVia,
        lifecycle,
        culling);
  }

  public Session withLifecycle(SessionLifecycle next) {
    return new Session(
        id,
        template,
        backend,
        status,
        statusReason,
        labels,
        runtimeState,
        endpoints,
        createdAt,
        updatedAt,
        lastActivityAt,
        lastActivityVia,
        next,
        culling);
  }

  public Session withCulling(CullSettings next) {
    return new Session(
        id,
        template,
        backend,
        status,
        statusReason,
        labels,
        runtimeState,
        endpoints,
        createdAt,
        updatedAt,
        lastActivityAt,
        lastActivityVia,
        lifecycle,
        next);
  }

  /** A copy that lives on another backend (after a migration), with that backend's state. */
  public Session onBackend(String newBackend, RuntimeState state, Instant now) {
    return new Session(
        id,
        template,
        newBackend,
        status,
        statusReason,
        labels,
        state,
        endpoints,
        createdAt,
        now,
        lastActivityAt,
        lastActivityVia,
        lifecycle,
        culling);
  }

  public Optional<String> primaryEndpoint() {
    return endpoints.entrySet().stream().min(Map.Entry.comparingByKey()).map(Map.Entry::getValue);
  }
}
