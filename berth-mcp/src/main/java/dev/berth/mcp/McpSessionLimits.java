package dev.berth.mcp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which principal opened each live MCP session and when it was last used, for the cap of live MCP
 * sessions per token ({@code mcpMaxSessionsPerToken}). The SDK's transport evicts a session that
 * saw no request for between one and two {@code mcpSessionIdleTimeout}s (its sweeper runs every
 * timeout and spares sessions used since the last run or with a stream open); an entry here counts
 * until it is deleted, answered 404, or unused for two timeouts, so the count never misses a
 * session the transport still keeps.
 */
final class McpSessionLimits {
  private record Entry(Object owner, Instant lastUsed) {}

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final Duration idleTimeout;
  private final int maxPerOwner;
  private final Clock clock;

  McpSessionLimits(Duration idleTimeout, int maxPerOwner, Clock clock) {
    this.idleTimeout = idleTimeout;
    this.maxPerOwner = maxPerOwner;
    this.clock = clock;
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  int maxPerOwner() {
    return maxPerOwner;
  }

  /** The live MCP sessions {@code owner} holds. */
  int count(Object owner) {
    Instant gone = clock.instant().minus(idleTimeout.multipliedBy(2));
    sessions.values().removeIf(e -> e.lastUsed().isBefore(gone));
    return (int) sessions.values().stream().filter(e -> e.owner().equals(owner)).count();
  }

  boolean full(Object owner) {
    return count(owner) >= maxPerOwner;
  }

  void opened(String id, Object owner) {
    sessions.put(id, new Entry(owner, clock.instant()));
  }

  void used(String id) {
    sessions.computeIfPresent(id, (k, e) -> new Entry(e.owner(), clock.instant()));
  }

  boolean knows(String id) {
    return sessions.containsKey(id);
  }

  void closed(String id) {
    sessions.remove(id);
  }
}
