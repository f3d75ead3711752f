package dev.berth.reconcile;

import dev.berth.base.SessionId;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.RuntimeEvent;
import dev.berth.service.SessionService;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry and the runtimes in line, continuously: a pass over every live session at
 * start-up and every {@code interval}, and a pass over one session as soon as its runtime reports
 * something about it (a container died, was removed, ran out of memory) or over all of them when a
 * backend reconnects. Each pass also repeats due health probes and removes orphans.
 *
 * <p>Guarantees: one session is never reconciled twice at once (a session being worked on is
 * marked, and requests for it that arrive meanwhile merge into one follow-up once the work is
 * done); a session busy with a user's operation is tried again a moment later; the loop never dies
 * (every failure is caught at the boundary of a tick or of one session's work, logged once while it
 * repeats, and counted).
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final Duration BUSY_RETRY = Duration.ofSeconds(1);
  private static final Duration HEALTH_TICK = Duration.ofMillis(500);
  private static final Duration ORPHANS_EVERY = Duration.ofMinutes(1);

  private final SessionService sessions;
  private final Duration interval;
  private final OrphanCollector orphans;
  private final Duration orphanGrace;
  private final ReconcileMetrics metrics;
  private final SessionReconciler one;
  private final HealthMonitor health;
  private final QuietLog quiet = new QuietLog(log);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("berth-reconciler").unstarted(r));
  private final ExecutorService workers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("berth-reconcile-", 0).factory());
  private final Set<SessionId> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<SessionId> followUp = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean passRunning = new AtomicBoolean();
  private final AtomicBoolean passRequested = new AtomicBoolean();
  private final List<AutoCloseable> watches = new ArrayList<>();
  private volatile List<Session> lastListed = List.of();
  private volatile Instant lastOrphanRun = Instant.EPOCH;
  private volatile boolean closed;

  /**
   * @param orphans removes resources without a live session (shared with {@code berth gc})
   * @param interval time between periodic passes
   * @param orphanGrace how old a Berth-labelled resource without a live session must be to go
   */
  public Reconciler(
      SessionService sessions,
      OrphanCollector orphans,
      Duration interval,
      Duration orphanGrace,
      ReconcileMetrics metrics) {
    this.sessions = sessions;
    this.orphans = orphans;
    this.interval = interval;
    this.orphanGrace = orphanGrace;
    this.metrics = metrics;
    this.health =
        new HealthMonitor(sessions, sessions.clock(), workers, id -> requestSession(id.value()));
    this.one =
        new SessionReconciler(
            sessions,
            metrics,
            health,
            (id, at) -> {
              long wait = Math.max(0, Duration.between(sessions.clock().instant(), at).toMillis());
              try {
                timer.schedule(() -> submit(id), wait, TimeUnit.MILLISECONDS);
              } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                // closed meanwhile: nothing more to reconcile
              }
            });
  }

  /** Starts watching the runtimes, runs the start-up pass now and the periodic ones after. */
  public void start() {
    for (String backend : sessions.backends().names()) {
      try {
        watches.add(
            sessions.backends().get(backend).watch(event -> onRuntimeEvent(backend, event)));
      } catch (RuntimeException e) {
        log.warn("cannot watch backend {} (periodic passes still run): {}", backend, e.toString());
      }
    }
    timer.execute(this::pass);
    timer.scheduleWithFixedDelay(
        this::pass, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        this::healthTick, HEALTH_TICK.toMillis(), HEALTH_TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onRuntimeEvent(String backend, RuntimeEvent event) {
    try {
      switch (event.kind()) {
        case DISCONNECTED -> {
          log.warn("backend {} disconnected: {}", backend, event.detail());
          metrics.backendConnected(backend, false);
        }
        case RECONNECTED -> {
          log.info("backend {} reconnected: checking every session", backend);
          metrics.backendConnected(backend, true);
          requestAll();
        }
        default -> event.handle().flatMap(sessions::sessionOfHandle).ifPresent(this::submit);
      }
    } catch (RuntimeException e) {
      quiet.failure("event", "handling runtime event " + event, e);
    }
  }

  /** Reconciles one session soon; merged with work already under way for it. */
  public void requestSession(String sessionId) {
    SessionId id;
    try {
      id = SessionId.of(sessionId);
    } catch (RuntimeException e) {
      return; // not an id Berth makes: nothing of ours
    }
    submit(id);
  }

  /** A full pass soon; requests that arrive while one runs merge into one follow-up pass. */
  public void requestAll() {
    if (!closed) {
      timer.execute(this::pass);
    }
  }

  private void pass() {
    if (closed) {
      return;
    }
    if (!passRunning.compareAndSet(false, true)) {
      passRequested.set(true);
      return;
    }
    try {
      do {
        passRequested.set(false);
        metrics.pass();
        List<Session> live = sessions.list(SessionFilter.ALL_LIVE);
        lastListed = live;
        for (Session s : live) {
          submit(s.id());
        }
        collectOrphansIfDue();
        // Pools lose members to claims and to what this pass cannot see (a member's app that
        // died); their own thread refills them.
        sessions.pools().refill();
        quiet.recovered("pass");
      } while (passRequested.get() && !closed);
    } catch (Throwable t) {
      metrics.error();
      quiet.failure("pass", "reconcile pass failed", t);
    } finally {
      passRunning.set(false);
    }
  }

  private void submit(SessionId id) {
    if (closed) {
      return;
    }
    if (!inFlight.add(id)) {
      followUp.add(id); // merged: one more round once the current one is done
      return;
    }
    try {
      workers.execute(() -> work(id));
    } catch (RuntimeException rejected) {
      inFlight.remove(id); // shutting down
    }
  }

  private void work(SessionId id) {
    try {
      do {
        followUp.remove(id);
        SessionReconciler.Outcome outcome = one.reconcile(id);
        if (outcome == SessionReconciler.Outcome.BUSY && !closed) {
          timer.schedule(() -> submit(id), BUSY_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
        quiet.recovered("session " + id);
      } while (followUp.contains(id) && !closed);
    } catch (Throwable t) {
      metrics.error();
      quiet.failure("session " + id, "reconciling session " + id + " failed", t);
    } finally {
      inFlight.remove(id);
      if (followUp.remove(id)) {
        submit(id); // arrived between the last check and leaving
      }
    }
  }

  private void healthTick() {
    try {
      List<Session> running =
          lastListed.stream().filter(s -> s.status() == SessionStatus.RUNNING).toList();
      // the list is from the last pass; a session's own status is re-read before each probe
      health.tick(running);
    } catch (Throwable t) {
      quiet.failure("health", "health checks failed", t);
    }
  }

  private void collectOrphansIfDue() {
    Instant now = sessions.clock().instant();
    Duration every = interval.compareTo(ORPHANS_EVERY) > 0 ? interval : ORPHANS_EVERY;
    if (now.isBefore(lastOrphanRun.plus(every))) {
      return;
    }
    lastOrphanRun = now;
    // on a worker: removing orphans calls the engine, and the timer must stay free for ticks
    workers.execute(this::collectOrphans);
  }

  private void collectOrphans() {
    try {
      int removed = 0;
      for (var orphan : orphans.collect(orphanGrace, false)) {
        int n = orphan.cleanup().map(c -> c.removed().size()).orElse(0);
        removed += n;
        log.info(
            "removed {} orphaned resource(s) of session '{}' on {}",
            n,
            orphan.sessionId(),
            orphan.backend());
      }
      if (removed > 0) {
        metrics.orphansRemoved(removed);
      }
      quiet.recovered("orphans");
    } catch (RuntimeException e) {
      metrics.error();
      quiet.failure("orphans", "orphan collection failed", e);
    }
  }

  /** Stops the loop and the watches; work under way finishes (sessions are left as they are). */
  @Override
  public void close() {
    closed = true;
    for (AutoCloseable w : watches) {
      try {
        w.close();
      } catch (Exception e) {
        log.debug("closing a runtime watch failed", e);
      }
    }
    timer.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
