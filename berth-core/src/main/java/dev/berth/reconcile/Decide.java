package dev.berth.reconcile;

import dev.berth.runtime.ObservedState;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionStatus;
import dev.berth.template.CullAction;
import dev.berth.template.RestartPolicy;
import dev.berth.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The reconciler's judgement for one session, as a pure function of what the registry says (status,
 * desired state, restart bookkeeping), what the runtime shows, the health checks' verdict and the
 * clock. No I/O, so every rule is tested by equality; {@link SessionReconciler} carries it out.
 *
 * <p>The rules, in order: nothing is done on what cannot be seen ({@link ObservedState.Unknown}); a
 * delete that was asked for is finished; an interrupted create is finished; an interrupted stop is
 * finished; a session past its max lifetime is culled; an interrupted start is started again; a
 * session whose workspace is gone goes FAILED for good (never recreated empty); a RUNNING session
 * that exited, lost its container or failed its health checks is restarted per its template's
 * restart policy, except that an app which ended on its own with code 0 under a policy that does
 * not restart that was quit on purpose (Jupyter's Quit button) and is recorded STOPPED (nothing
 * runs; a start brings it back), not FAILED. "On its own" is the runtime's word ({@link
 * ObservedState.Exited#onItsOwn}): an exit 0 it cannot attribute to the app (the SIGTERM of an
 * engine restart) is recovered per the policy like any lost app; an idle one is culled; a FAILED
 * one whose restart is due is restarted, and a FAILED one that still runs has what runs stopped
 * (FAILED means nothing of it runs).
 */
final class Decide {
  private Decide() {}

  /**
   * @param unhealthy why the health checks failed, when they did (threshold reached)
   * @param activity the session's last use
   */
  static Step decide(
      Session s,
      Template t,
      ObservedState observed,
      Optional<String> unhealthy,
      SessionActivity activity,
      Instant now) {
    var life = s.lifecycle();
    if (observed instanceof ObservedState.Unknown) {
      return new Step.Nothing();
    }
    if (life.desired() == DesiredState.DELETED) {
      boolean waiting = life.nextRestartAt().map(now::isBefore).orElse(false);
      return waiting ? new Step.Nothing() : new Step.Delete("it was asked to be deleted");
    }
    if (s.status() == SessionStatus.PENDING) {
      return new Step.ResumeCreate();
    }
    boolean runsOrWillRun =
        s.status() == SessionStatus.RUNNING
            || s.status() == SessionStatus.STARTING
            || (s.status() == SessionStatus.FAILED && life.nextRestartAt().isPresent());
    if (s.status() == SessionStatus.STOPPING
        || (life.desired() == DesiredState.STOPPED && runsOrWillRun)) {
      return new Step.Stop(s.statusReason());
    }
    CullSchedule cull = CullSchedule.of(s, t, activity);
    Optional<Step> expired = lifetime(s, cull, now);
    if (expired.isPresent()) {
      return expired.get();
    }
    if (observed instanceof ObservedState.Missing m) {
      boolean final_ = s.status() == SessionStatus.FAILED && life.nextRestartAt().isEmpty();
      return final_
          ? new Step.Nothing()
          : new Step.Fail(
              "its workspace is gone ("
                  + m.detail()
                  + "); Berth does not recreate an empty workspace: delete the session",
              Optional.empty());
    }
    if (s.status() == SessionStatus.STARTING
        || (s.status() == SessionStatus.STOPPED && life.desired() == DesiredState.RUNNING)) {
      return new Step.Restart("a start was interrupted by a manager restart");
    }
    return switch (s.status()) {
      case RUNNING -> running(s, t, observed, unhealthy, activity, cull, now);
      case FAILED -> {
        if (life.nextRestartAt().filter(at -> !now.isBefore(at)).isPresent()) {
          yield new Step.Restart(s.statusReason());
        }
        boolean stillRuns =
            observed instanceof ObservedState.Running || observed instanceof ObservedState.Pending;
        yield stillRuns ? new Step.StopLeftovers() : new Step.Nothing();
      }
      default -> new Step.Nothing();
    };
  }

  private static Step running(
      Session s,
      Template t,
      ObservedState observed,
      Optional<String> unhealthy,
      SessionActivity activity,
      CullSchedule cull,
      Instant now) {
    return switch (observed) {
      case ObservedState.Running r -> {
        if (unhealthy.isPresent()) {
          yield failed(
              s, t, "its health probe failed: " + unhealthy.get(), OptionalInt.empty(), now);
        }
        if (cull.idleDue(now)) {
          yield new Step.Cull(
              cull.action(),
              "idle",
              "idle for "
                  + Durations.words(Duration.between(activity.at(), now))
                  + " (idle timeout "
                  + Durations.words(cull.idleTimeout())
                  + ")");
        }
        boolean settled =
            s.lifecycle().restarts() > 0
                && !now.isBefore(s.updatedAt().plus(RestartPolicy.RESET_AFTER));
        yield settled ? new Step.ResetRestarts() : new Step.Nothing();
      }
      case ObservedState.Exited e -> {
        if (e.quit() && !t.lifetime().restart().restarts(e.exitCode())) {
          yield new Step.Quit(quitReason(s));
        }
        // An end the runtime cannot attribute to the app (the SIGTERM of an engine restart or a
        // host reboot, which a well-behaved server answers with exit 0) is judged like a lost app:
        // its exit code is the signal's doing, not the app's verdict, so on-failure restarts it.
        OptionalInt verdict = e.onItsOwn() ? e.exitCode() : OptionalInt.empty();
        yield failed(
            s,
            t,
            "the app exited"
                + (e.exitCode().isPresent() ? " with code " + e.exitCode().getAsInt() : "")
                + ": "
                + e.detail(),
            verdict,
            now);
      }
      case ObservedState.Prepared p ->
          failed(s, t, "the app is no longer running", OptionalInt.empty(), now);
      case ObservedState.Pending p -> new Step.Nothing();
      case ObservedState.Missing m -> new Step.Nothing(); // handled before
      case ObservedState.Unknown u -> new Step.Nothing(); // handled before
    };
  }

  /** What a quit session's status says: what happened, and how to get it back. */
  static String quitReason(Session s) {
    String id = s.id().value();
    return "the app exited on its own with code 0 (it was quit, not crashed; nothing runs now);"
        + " start it again with `berth session start "
        + id
        + "` or POST /api/v1/sessions/"
        + id
        + "/start";
  }

  /**
   * A session that stopped working: FAILED, with a restart scheduled per its template's policy, or
   * for good (policy, or restart limit reached), with the reason either way.
   */
  static Step failed(Session s, Template t, String reason, OptionalInt exitCode, Instant now) {
    RestartPolicy policy = t.lifetime().restart();
    int done = s.lifecycle().restarts();
    if (!policy.restarts(exitCode)) {
      return new Step.Fail(
          reason + " (restart policy " + policy.mode().yamlName() + ": not restarted)",
          Optional.empty());
    }
    if (done >= policy.limit()) {
      return new Step.Fail(
          reason
              + (policy.limit() == 0
                  ? " (restart limit 0: not restarted)"
                  : " (gave up after " + done + " restart" + (done == 1 ? "" : "s") + ")"),
          Optional.empty());
    }
    Duration delay = policy.delay(done);
    return new Step.Fail(
        reason
            + "; restart "
            + (done + 1)
            + " of "
            + policy.limit()
            + " in "
            + Durations.words(delay),
        Optional.of(now.plus(delay)));
  }

  private static Optional<Step> lifetime(Session s, CullSchedule cull, Instant now) {
    if (!cull.lifetimeDue(now)) {
      return Optional.empty();
    }
    CullAction action = cull.action();
    String reason = "reached its max lifetime of " + Durations.words(cull.maxLifetime());
    if (action == CullAction.DELETE) {
      return Optional.of(new Step.Cull(action, "lifetime", reason));
    }
    boolean runsOrWillRun =
        s.status() == SessionStatus.RUNNING
            || s.status() == SessionStatus.STARTING
            || (s.status() == SessionStatus.FAILED && s.lifecycle().nextRestartAt().isPresent());
    return runsOrWillRun
        ? Optional.of(new Step.Cull(action, "lifetime", reason))
        : Optional.empty();
  }
}
