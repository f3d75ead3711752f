package dev.berth.service;

import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.session.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each session was last used, and via what. Written to the registry at most once per {@code
 * every} per session (a busy proxy or tool loop costs one write per interval); the latest use is
 * also kept in memory, so idle culling sees it at once.
 */
final class ActivityTracker {
  private final Registry registry;
  private final Clock clock;
  private final Duration every;
  private final ConcurrentHashMap<SessionId, LockedSession.Activity> latest =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<SessionId, Instant> lastWrite = new ConcurrentHashMap<>();

  ActivityTracker(Registry registry, Clock clock, Duration every) {
    this.registry = registry;
    this.clock = clock;
    this.every = every;
  }

  void record(SessionId id, String via) {
    Instant now = clock.instant();
    latest.put(id, new LockedSession.Activity(now, via));
    Instant last = lastWrite.get(id);
    if (last == null || !now.isBefore(last.plus(every))) {
      lastWrite.put(id, now);
      registry.touch(id, now, via);
    }
  }

  LockedSession.Activity last(Session s) {
    LockedSession.Activity recent = latest.get(s.id());
    if (recent != null && recent.at().isAfter(s.lastActivityAt())) {
      return recent;
    }
    return new LockedSession.Activity(s.lastActivityAt(), s.lastActivityVia());
  }

  void forget(SessionId id) {
    latest.remove(id);
    lastWrite.remove(id);
  }
}
