package dev.berth.reconcile;

import dev.berth.template.CullAction;

/** What the reconciler counts; see {@code BerthMetrics} for the Prometheus names. */
public interface ReconcileMetrics {
  /** Counts nothing: for one-off passes and tests. */
  ReconcileMetrics NONE = new ReconcileMetrics() {};

  /** A pass over all sessions began. */
  default void pass() {}

  /** A pass, or the work on one session, failed with an unexpected error. */
  default void error() {}

  /** A session was restarted (crash, lost container, failed health checks, interrupted start). */
  default void restart(String backend) {}

  /** A session's app was found not working (exited, lost, unhealthy, workspace gone). */
  default void failure(String backend) {}

  /** Orphaned resources were removed. */
  default void orphansRemoved(int resources) {}

  /** A session was culled; {@code kind} is {@code idle} or {@code lifetime}. */
  default void cull(String kind, CullAction action) {}

  /** An operation a manager crash interrupted was finished ({@code create}, {@code delete}...). */
  default void resumed(String operation) {}

  /** A backend's connection went down or came back. */
  default void backendConnected(String backend, boolean connected) {}
}
