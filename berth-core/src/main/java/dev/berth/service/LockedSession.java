package dev.berth.service;

import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.ObservedState;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.template.Template;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One session held exclusively (its lifecycle lock) by the reconciler: no create, start, stop or
 * delete of it can interleave with what is done through this handle. Obtained from {@link
 * SessionService#tryRepair}. Each action records its status change and reason in the session's
 * events and returns the session as it is afterwards.
 */
public interface LockedSession {
  /** The session as the registry has it now. */
  Session session();

  /** Its template; the built-in placeholder when the template was removed since. */
  Template template();

  /** False when the session's template no longer exists. */
  boolean templateExists();

  /** What the runtime sees now. */
  ObservedState observe();

  /**
   * Each of its containers as the runtime sees it now (the main one first); empty when the runtime
   * cannot tell (the backend is away).
   */
  List<ContainerStatus> containers();

  /**
   * Starts one of the template's extra containers again, alone (the main one and the others keep
   * running), records what the runtime noted, and notes {@code why} in the session's events.
   */
  Session restartContainer(String type, String why);

  /**
   * Keeps a RUNNING session RUNNING with {@code reason} as its status reason (which of its
   * containers is down, and what happens next; empty clears it). A change is a status event.
   */
  Session explain(String reason);

  /** The latest use of the session, including uses not yet written to the registry. */
  SessionActivity lastActivity();

  /**
   * Marks it FAILED with {@code reason}; {@code restartAt} schedules a restart (or none). A session
   * that goes FAILED now has what still runs of it stopped (the workspace is kept), so that a
   * FAILED session never keeps running while it waits for its restart or for a user.
   */
  Session fail(String reason, Optional<Instant> restartAt);

  /** Starts it again (stopping what is left first), counting a restart; RUNNING or FAILED. */
  Session restart(String why);

  /** Finishes an interrupted create: makes what is missing, then starts or warms it as asked. */
  Session resumeCreate();

  /** Stops it and keeps the workspace; {@code reason} is kept as its status reason. */
  Session stop(String reason);

  /**
   * Stops what still runs of a FAILED session, keeping it FAILED and its workspace ({@link
   * dev.berth.service.steps.LifecycleSteps#stopAfterFailure}).
   */
  Session stopLeftovers();

  /** Removes everything it owns, as a delete does; {@code why} goes into its events. */
  SessionCleanupReceipt delete(String why);

  /**
   * Counts a failed attempt (of a restart or a delete) and schedules the next at {@code at},
   * without changing the status.
   */
  Session retryAt(Instant at);

  /** Starts a new restart count (it ran healthy long enough). */
  Session resetRestarts();

  /** Writes an event of {@code type} to the session's trail. */
  void note(String type, String message);
}
