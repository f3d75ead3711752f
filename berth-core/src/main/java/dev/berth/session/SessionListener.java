package dev.berth.session;

import java.time.Duration;

/**
 * Hears what happens to sessions as it happens: every event written to a session's audit trail
 * (status changes included), and how long creates and deletes took. For metrics and the event
 * stream. Called on the thread that did the work, after the registry was written: a listener must
 * be quick and must not throw (a throw is logged and ignored).
 */
public interface SessionListener {
  /** An event was appended to a session's audit trail. */
  default void onEvent(SessionEvent event) {}

  /** A create finished (RUNNING, STOPPED when only warmed, or FAILED) after {@code took}. */
  default void onCreated(Session session, Duration took) {}

  /** A delete finished after {@code took}; its receipt says whether it was complete. */
  default void onDeleted(SessionCleanupReceipt receipt, Duration took) {}
}
