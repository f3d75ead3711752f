package dev.berth.reconcile;

import dev.berth.template.CullAction;
import java.time.Instant;
import java.util.Optional;

/** What the reconciler decided to do with one session; see {@link Decide}. */
sealed interface Step {
  /** The session is as it should be (or cannot be seen now): leave it. */
  record Nothing() implements Step {}

  /** Mark it FAILED with the reason; restart it at {@code restartAt}, or never when empty. */
  record Fail(String reason, Optional<Instant> restartAt) implements Step {}

  /** Start it again now (a scheduled restart, or a start the manager's crash interrupted). */
  record Restart(String why) implements Step {}

  /** Finish a create the manager's crash interrupted. */
  record ResumeCreate() implements Step {}

  /** Stop it and keep its workspace (a cull, or a stop the manager's crash interrupted). */
  record Stop(String reason) implements Step {}

  /**
   * Its app ended on its own with exit code 0 and its restart policy does not restart that (a user
   * quit it): record it STOPPED with {@code reason}, which says how to start it again. Not a
   * failure, and not restarted.
   */
  record Quit(String reason) implements Step {}

  /**
   * It is FAILED, yet its app still runs or starts (the stop after its failure did not succeed, or
   * an older Berth left it so): stop what runs, keep it FAILED with its reason and its workspace.
   */
  record StopLeftovers() implements Step {}

  /** Remove everything it owns (a cull, or a delete the manager's crash interrupted). */
  record Delete(String why) implements Step {}

  /** It has run healthy long enough: a new restart count. */
  record ResetRestarts() implements Step {}

  /**
   * The idle timeout or the max lifetime was reached: stop or delete, as configured.
   *
   * @param kind {@code idle} or {@code lifetime}
   */
  record Cull(CullAction action, String kind, String reason) implements Step {}
}
