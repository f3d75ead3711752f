package dev.berth.reconcile;

import dev.berth.base.SessionId;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats each RUNNING session's probe at its template's health-check interval, and counts failures
 * in a row. Once a session reaches its failure threshold it is unhealthy: the monitor asks for that
 * session to be reconciled, and {@link Decide} applies the restart policy. Probes run on their own
 * threads (one at a time per session), so a slow probe delays no other session and no reconcile
 * pass. Counts are in memory: after a manager restart a session starts healthy.
 */
class HealthMonitor {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  /** Probes nothing, finds nothing unhealthy. */
  static final HealthMonitor NONE = new HealthMonitor(null, null, null, id -> {});

  private final SessionService sessions;
  private final Clock clock;
  private final ExecutorService probes;
  private final Consumer<SessionId> onUnhealthy;
  private final Map<SessionId, Record> records = new ConcurrentHashMap<>();
  private final Set<SessionId> inFlight = ConcurrentHashMap.newKeySet();

  /** Failures in a row and the last error; {@code next} is when the next probe is due. */
  private record Record(int failures, String lastError, Instant next) {}

  HealthMonitor(
      SessionService sessions,
      Clock clock,
      ExecutorService probes,
      Consumer<SessionId> onUnhealthy) {
    this.sessions = sessions;
    this.clock = clock;
    this.probes = probes;
    this.onUnhealthy = onUnhealthy;
  }

  /** Starts the probes that are due among {@code running} (sessions as last listed). */
  void tick(Collection<Session> running) {
    if (sessions == null) {
      return;
    }
    Instant now = clock.instant();
    for (Session s : running) {
      if (s.status() != SessionStatus.RUNNING
          || !sessions.backends().names().contains(s.backend())) {
        continue;
      }
      Template t = sessions.templateOrBuiltin(s);
      boolean probed =
          t.app().probe().isPresent()
              || t.containers().auto().stream().anyMatch(c -> c.probe().isPresent());
      if (!probed) {
        continue;
      }
      Record r = records.get(s.id());
      if (r != null && now.isBefore(r.next())) {
        continue;
      }
      if (!inFlight.add(s.id())) {
        continue;
      }
      probes.execute(() -> probe(s.id(), t));
    }
  }

  private void probe(SessionId id, Template t) {
    try {
      Optional<String> result = sessions.probe(id);
      Instant next = clock.instant().plus(t.app().health().interval());
      if (result.isEmpty()) {
        return; // not probed now (busy, no longer running): try at the next tick
      }
      if (result.get().isEmpty()) {
        records.put(id, new Record(0, "", next));
        return;
      }
      Record before = records.get(id);
      int failures = (before == null ? 0 : before.failures()) + 1;
      records.put(id, new Record(failures, result.get(), next));
      log.debug("session {}: probe failed ({} in a row): {}", id, failures, result.get());
      if (failures == t.app().health().failureThreshold()) {
        log.info("session {}: unhealthy after {} failed probes: {}", id, failures, result.get());
        onUnhealthy.accept(id);
      }
    } catch (RuntimeException e) {
      log.warn("session {}: probe could not run: {}", id, e.toString());
    } finally {
      inFlight.remove(id);
    }
  }

  /** Why the session is unhealthy, once it failed its threshold of probes in a row. */
  Optional<String> unhealthy(SessionId id, Template t) {
    Record r = records.get(id);
    if (r == null || r.failures() < t.app().health().failureThreshold()) {
      return Optional.empty();
    }
    return Optional.of(r.failures() + " times in a row, last: " + r.lastError());
  }

  /** Starts the session's count over (it was restarted, stopped, failed or deleted). */
  void forget(SessionId id) {
    records.remove(id);
  }
}
