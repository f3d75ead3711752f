package dev.berth.mcp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which principal opened each live MCP session and when it was last used, for the cap of live MCP
 * sessions per token ({@code mcpMaxSessionsPerToken}). The SDK's transport evicts a session that
 * saw no request for between one and two {@code mcpSessionIdleTimeout}s (its sweeper runs every
 * timeout and spares sessions used since the last run or with a stream open); an entry here counts
 * until it is deleted, answered 404, or unused for two timeouts with no GET stream open, so the
 * count never misses a session the transport still keeps.
 */
final class McpSessionLimits {
  /** {@code streams}: its GET streams open now; a session with one is in use however long. */
  private record Entry(Object owner, Instant lastUsed, AtomicInteger streams) {
    boolean expired(Instant gone) {
      return streams.get() == 0 && lastUsed.isBefore(gone);
    }
  }

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
    prune();
    return (int) sessions.values().stream().filter(e -> e.owner().equals(owner)).count();
  }

  boolean full(Object owner) {
    return count(owner) >= maxPerOwner;
  }

  void opened(String id, Object owner) {
    sessions.put(id, new Entry(owner, clock.instant(), new AtomicInteger()));
  }

  void used(String id) {
    sessions.computeIfPresent(id, (k, e) -> new Entry(e.owner(), clock.instant(), e.streams()));
  }

  /** A GET stream of session {@code id} opened; {@link #streamEnded} when it ends. */
  void streamOpened(String id) {
    Entry e = sessions.get(id);
    if (e != null) {
      e.streams().incrementAndGet();
    }
  }

  void streamEnded(String id) {
    Entry e = sessions.get(id);
    if (e != null) {
      e.streams().decrementAndGet();
    }
    used(id);
  }

  boolean knows(String id) {
    return sessions.containsKey(id);
  }

  /** Whether session {@code id} still counts: known, and used lately or with a stream open. */
  boolean live(String id) {
    prune();
    return knows(id);
  }

  private void prune() {
    Instant gone = clock.instant().minus(idleTimeout.multipliedBy(2));
    sessions.values().removeIf(e -> e.expired(gone));
  }

  void closed(String id) {
    sessions.remove(id);
  }
}
