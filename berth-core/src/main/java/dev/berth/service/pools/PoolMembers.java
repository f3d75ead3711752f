package dev.berth.service.pools;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.PoolMemberRecord;
import dev.berth.registry.PoolStore;
import dev.berth.runtime.Ability;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StartResult;
import dev.berth.service.steps.LifecycleSteps;
import dev.berth.service.steps.Readiness;
import dev.berth.service.steps.SessionSteps;
import dev.berth.template.Template;
import dev.berth.template.TemplateDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes and removes one warm-pool member: a session's workspace and app, prepared, started and
 * ready, under a handle of its own before any session exists. The member is recorded before
 * anything is made and its runtime state after each step, so a manager killed half-way leaves a row
 * that says what to remove ({@link WarmPools} removes such rows at its next pass).
 */
final class PoolMembers {
  private static final Logger log = LoggerFactory.getLogger(PoolMembers.class);

  private final SessionSteps steps;
  private final Readiness readiness;

  PoolMembers(SessionSteps steps, Readiness readiness) {
    this.steps = steps;
    this.readiness = readiness;
  }

  private PoolStore store() {
    return steps.registry().pools();
  }

  /** A new member's handle: like a generated session id, with {@code p-} for pool. */
  static String newHandle() {
    return "p-" + SessionId.generate().value().substring(2);
  }

  /** The fingerprint members of {@code template} are made from, and claims look for. */
  static String definition(Template template) {
    return TemplateDefinition.fingerprint(template);
  }

  /** What the runtime is told about a member: its handle is its id until a session claims it. */
  static RuntimeSession runtimeSession(String handle, Template template, RuntimeState state) {
    return new RuntimeSession(SessionId.of(handle), handle, template, Map.of(), state);
  }

  /**
   * Why a member of {@code template} cannot be made on {@code runtime} now (an image not built, a
   * sandbox this backend lacks), as the backend's preflight says; empty when it can.
   */
  Optional<String> unmakeable(Template template, SessionRuntime runtime) {
    List<PreflightProblem> problems =
        runtime.preflight(runtimeSession(newHandle(), template, RuntimeState.EMPTY));
    return problems.isEmpty()
        ? Optional.empty()
        : Optional.of(
            String.join(
                "; ",
                problems.stream()
                    .map(
                        p ->
                            switch (p) {
                              case PreflightProblem.ImageNotBuilt n ->
                                  "image "
                                      + n.image()
                                      + " is not built (berth images build "
                                      + n.template()
                                      + ")";
                              case PreflightProblem.SandboxUnavailable u -> u.message();
                              case PreflightProblem.Unmet u -> u.message();
                            })
                    .toList()));
  }

  /**
   * Records, prepares and starts one member and waits until its app is ready; then it may be
   * claimed. A member that fails is removed with everything it made, and the failure thrown. While
   * it is made its handle is in {@code making}.
   *
   * @return the member's handle
   */
  String make(
      Template template, String backend, SessionRuntime runtime, java.util.Set<String> making) {
    String handle = newHandle();
    making.add(handle); // before its row: a pass must not take the row for a killed manager's
    try {
      make(handle, template, backend, runtime);
      return handle;
    } finally {
      making.remove(handle);
    }
  }

  private void make(String handle, Template template, String backend, SessionRuntime runtime) {
    store()
        .add(
            PoolMemberRecord.starting(
                handle, template.name(), backend, definition(template), steps.now()));
    RuntimeSession rs = runtimeSession(handle, template, RuntimeState.EMPTY);
    try {
      rs = rs.withState(runtime.prepare(rs));
      store().saveState(handle, rs.state());
      Instant begun = readiness.now();
      StartResult started = runtime.start(rs);
      rs = rs.withState(started.state());
      store().saveState(handle, rs.state());
      Optional<String> notReady = readiness.await(runtime, rs, begun);
      if (notReady.isPresent()) {
        throw new BerthException(ErrorCode.RUNTIME_FAILURE, notReady.get());
      }
      String imageId =
          started
              .imageId()
              .or(
                  () ->
                      runtime.abilities().contains(Ability.IMAGE_BUILDS)
                          ? runtime
                              .images()
                              .imageId(runtimeSession(handle, template, RuntimeState.EMPTY))
                          : Optional.empty())
              .orElse("");
      store()
          .ready(
              handle, rs.state(), LifecycleSteps.urls(started.endpoints()), imageId, steps.now());
    } catch (RuntimeException e) {
      remove(runtime, handle, template, rs.state(), false);
      throw e;
    }
  }

  /**
   * Removes a member and everything it made: the row first, so that no claim can take it any more
   * (when {@code claimable}: a claim that took it first wins, and nothing is removed), then its
   * resources, found by its state and its handle's labels.
   *
   * @return what was removed; empty when a claim took the member first
   */
  Optional<CleanupReport> remove(
      SessionRuntime runtime,
      String handle,
      Template template,
      RuntimeState state,
      boolean claimable) {
    boolean taken = store().remove(handle);
    if (claimable && !taken) {
      return Optional.empty(); // claimed: it is a session's now
    }
    CleanupReport report = runtime.destroy(runtimeSession(handle, template, state));
    if (!report.complete()) {
      log.warn("pool member {}: not everything was removed: {}", handle, report);
    }
    return Optional.of(report);
  }
}
