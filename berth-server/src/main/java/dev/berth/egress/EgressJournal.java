package dev.berth.egress;

import dev.berth.base.SessionId;

/** Where the egress proxy reports each destination a session asked for, and what it said. */
@FunctionalInterface
public interface EgressJournal {
  /**
   * @param destination {@code host:port} as the session asked for it
   * @param allowed whether the proxy let it through
   * @param reason why not (or, when allowed but the connection failed, why it failed); empty else
   */
  void record(SessionId id, String destination, boolean allowed, String reason);

  /** The session no longer runs (what a journal remembers of it may go). */
  default void forget(SessionId id) {}
}
