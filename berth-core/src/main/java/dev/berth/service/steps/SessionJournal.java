package dev.berth.service.steps;

import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionListener;
import dev.berth.session.SessionStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes sessions and their audit trail, and tells listeners. Every status change becomes a {@code
 * status} event whose data says {@code from}, {@code to} and {@code reason}, so the trail (and the
 * event stream built on it) has every state change, whoever made it: an edge, the reconciler, a
 * start-up recovery.
 */
public final class SessionJournal {
  private static final Logger log = LoggerFactory.getLogger(SessionJournal.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Registry registry;
  private final Clock clock;
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
  // The status and reason each session was last saved with by this process. Saves of one session
  // happen under its lifecycle lock, so this is exact; a session not seen yet is read once.
  private final Map<SessionId, Saved> saved = new ConcurrentHashMap<>();

  private record Saved(SessionStatus status, String reason) {
    static Saved of(Session s) {
      return new Saved(s.status(), s.statusReason());
    }
  }

  public SessionJournal(Registry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  public void addListener(SessionListener listener) {
    listeners.add(listener);
  }

  /** Records a new session and its first status event. */
  public void insert(Session s, String message) {
    registry.sessions().insert(s);
    saved.put(s.id(), Saved.of(s));
    event(s.id(), "status", message, statusData(null, s));
  }

  /**
   * A session the registry recorded itself (a warm-pool claim inserts it in the claim's
   * transaction): its first status event, from nothing to the status it was recorded with.
   */
  public void claimed(Session s, String message) {
    saved.put(s.id(), Saved.of(s));
    event(s.id(), "status", message, statusData(null, s));
  }

  /** Writes the session; a new status, or a new reason for it, also becomes a status event. */
  public Session save(Session s) {
    Saved before = saved.get(s.id());
    if (before == null) {
      before = registry.sessions().find(s.id()).map(Saved::of).orElse(null);
    }
    registry.sessions().update(s);
    Saved now = Saved.of(s);
    saved.put(s.id(), now);
    if (!now.equals(before)) {
      event(
          s.id(),
          "status",
          statusMessage(s),
          statusData(before == null ? null : before.status(), s));
    }
    return s;
  }

  private static String statusMessage(Session s) {
    String word = s.status().name().toLowerCase(java.util.Locale.ROOT);
    if (s.status() == SessionStatus.RUNNING) {
      return word
          + s.primaryEndpoint().map(e -> " at " + e).orElse("")
          + (s.statusReason().isEmpty() ? "" : ", but " + s.statusReason());
    }
    return s.statusReason().isEmpty() ? word : word + ": " + s.statusReason();
  }

  private static String statusData(SessionStatus from, Session s) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("from", from == null ? null : from.name());
    data.put("to", s.status().name());
    data.put("reason", s.statusReason());
    data.put("desired", s.lifecycle().desired().name());
    return JSON.writeValueAsString(data);
  }

  public void event(SessionId id, String type, String message, String data) {
    SessionEvent e = registry.events().append(id, clock.instant(), type, message, data);
    tell(l -> l.onEvent(e));
  }

  public void created(Session s, Duration took) {
    tell(l -> l.onCreated(s, took));
  }

  public void deleted(SessionCleanupReceipt r, Duration took) {
    tell(l -> l.onDeleted(r, took));
  }

  private void tell(Consumer<SessionListener> call) {
    for (SessionListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("session listener {} failed", l, e);
      }
    }
  }
}
