package dev.berth.service.steps;

import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each session was last used, and via what. Written to the registry at most once per {@code
 * every} per session (a busy proxy or tool loop costs one write per interval); the latest use is
 * also kept in memory, so idle culling sees it at once.
 */
public final class ActivityTracker {
  private final Registry registry;
  private final Clock clock;
  private final Duration every;
  private final ConcurrentHashMap<SessionId, SessionActivity> latest = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<SessionId, Instant> lastWrite = new ConcurrentHashMap<>();

  public ActivityTracker(Registry registry, Clock clock, Duration every) {
    this.registry = registry;
    this.clock = clock;
    this.every = every;
  }

  public void record(SessionId id, String via) {
    Instant now = clock.instant();
    latest.put(id, new SessionActivity(now, via));
    Instant last = lastWrite.get(id);
    if (last == null || !now.isBefore(last.plus(every))) {
      lastWrite.put(id, now);
      registry.sessions().touch(id, now, via);
    }
  }

  public SessionActivity last(Session s) {
    SessionActivity recent = latest.get(s.id());
    if (recent != null && recent.at().isAfter(s.lastActivityAt())) {
      return recent;
    }
    return s.activity();
  }

  public void forget(SessionId id) {
    latest.remove(id);
    lastWrite.remove(id);
  }
}
