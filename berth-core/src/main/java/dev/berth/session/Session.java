package dev.berth.session;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A session as the registry knows it: what was asked for (its spec), what was last observed of it,
 * its last use, and what its owner wants of it. Each {@code with...} changes one of these parts;
 * the short accessors below read through to them.
 *
 * @param lifecycle what the owner wants and the reconciler's restart bookkeeping
 */
public record Session(
    SessionSpec spec,
    SessionObservation observed,
    SessionActivity activity,
    SessionLifecycle lifecycle) {

  /** A session just recorded: PENDING, nothing observed or used yet, wanting what it is told. */
  public static Session recorded(SessionSpec spec, SessionLifecycle lifecycle) {
    return new Session(
        spec,
        SessionObservation.pending(spec.createdAt()),
        SessionActivity.none(spec.createdAt()),
        lifecycle);
  }

  // ---- the spec ----------------------------------------------------------------------------

  public SessionId id() {
    return spec.id();
  }

  /** What the runtime names this session's resources from; see {@link SessionSpec#handle()}. */
  public String handle() {
    return spec.handle();
  }

  public String template() {
    return spec.template();
  }

  public String backend() {
    return spec.backend();
  }

  public Map<String, String> labels() {
    return spec.labels();
  }

  public CullSettings culling() {
    return spec.culling();
  }

  public Instant createdAt() {
    return spec.createdAt();
  }

  // ---- what was observed -------------------------------------------------------------------

  public SessionStatus status() {
    return observed.status();
  }

  public String statusReason() {
    return observed.statusReason();
  }

  public RuntimeState runtimeState() {
    return observed.runtimeState();
  }

  public Map<Integer, String> endpoints() {
    return observed.endpoints();
  }

  public Instant updatedAt() {
    return observed.updatedAt();
  }

  public Instant lastActivityAt() {
    return activity.at();
  }

  public String lastActivityVia() {
    return activity.via();
  }

  public Optional<String> primaryEndpoint() {
    return endpoints().entrySet().stream().min(Map.Entry.comparingByKey()).map(Map.Entry::getValue);
  }

  // ---- copies with one part changed --------------------------------------------------------

  /** A copy in {@code next} status; refuses a move the state machine does not allow. */
  public Session withStatus(SessionStatus next, String reason, Instant now) {
    return withObserved(observed.withStatus(next, reason, now));
  }

  /** A copy in the same status with another reason. */
  public Session withReason(String reason, Instant now) {
    return withObserved(observed.withReason(reason, now));
  }

  public Session withRuntimeState(RuntimeState state, Instant now) {
    return withObserved(observed.withRuntimeState(state, now));
  }

  public Session withEndpoints(Map<Integer, String> newEndpoints, Instant now) {
    return withObserved(observed.withEndpoints(newEndpoints, now));
  }

  public Session withLifecycle(SessionLifecycle next) {
    return new Session(spec, observed, activity, next);
  }

  public Session withCulling(CullSettings next) {
    return new Session(spec.withCulling(next), observed, activity, lifecycle);
  }

  /** A copy that lives on another backend (after a migration), with that backend's state. */
  public Session onBackend(String newBackend, RuntimeState state, Instant now) {
    return new Session(
        spec.onBackend(newBackend), observed.withRuntimeState(state, now), activity, lifecycle);
  }

  private Session withObserved(SessionObservation next) {
    return new Session(spec, next, activity, lifecycle);
  }
}
