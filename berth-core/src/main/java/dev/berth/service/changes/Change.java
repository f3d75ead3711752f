package dev.berth.service.changes;

import java.time.Instant;

/**
 * One change of a session's workspace.
 *
 * @param cursor its position in the session's change feed; pass it back to get what came after
 * @param path the path that changed, relative to the workspace root ("" with kind {@code overflow})
 * @param kind {@code changed} (created or modified), {@code deleted}, or {@code overflow} (the
 *     watcher lost track: anything may have changed, re-read what you depend on)
 * @param by who made it: {@code api} (REST), {@code mcp}, or {@code session} (a process inside the
 *     session, or anything else Berth did not do)
 * @param at when Berth learned of it
 */
public record Change(long cursor, String path, String kind, String by, Instant at) {
  public static final String CHANGED = "changed";
  public static final String DELETED = "deleted";
  public static final String OVERFLOW = "overflow";

  /** Who made a change that did not come through Berth. */
  public static final String SESSION = "session";
}
