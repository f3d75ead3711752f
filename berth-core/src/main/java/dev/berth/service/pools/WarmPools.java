package dev.berth.service.pools;

import dev.berth.base.SessionId;
import dev.berth.registry.PoolMemberRecord;
import dev.berth.registry.PoolStore;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.steps.Readiness;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.CullSettings;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionSpec;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm pools: for each template with {@code pool: {size: N}}, N members kept ready on the
 * template's default backend (see {@link PoolMembers}), and the claim a create makes of one.
 *
 * <p>A fill pass ({@link #refill}, after each claim and at each reconcile) removes members that
 * must go (their template changed, lost its pool or shrank it; a member left half-made by a killed
 * manager; one whose app no longer runs) and starts members until each pool has its size, a few at
 * a time. A pool whose members fail waits before it tries again, longer after each failure, and
 * says why in its status.
 *
 * <p>Members are not sessions: they are not listed, culled or given tokens. A claim binds one to a
 * new session in one registry transaction ({@link PoolStore#claim}); the session keeps the member's
 * handle, so its resources keep the member's names and a delete by the session's id finds them
 * through the handle, as for every session.
 */
public final class WarmPools implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WarmPools.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  // Members made at once across all pools: each is a container start on a shared engine.
  private static final int MAKERS = 4;

  private final SessionSteps steps;
  private final PoolMembers members;
  private final ExecutorService passes =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("berth-pools").factory());
  private final ExecutorService makers =
      Executors.newFixedThreadPool(
          MAKERS, Thread.ofPlatform().daemon().name("berth-pool-maker-", 0).factory());
  private final AtomicBoolean passQueued = new AtomicBoolean();
  private final Set<String> making = ConcurrentHashMap.newKeySet(); // handles made by this process
  private final Map<String, Pool> pools = new ConcurrentHashMap<>(); // by template name
  private final Object settled = new Object(); // notified whenever a member is made or fails
  private volatile boolean closed;

  /** What this manager knows of one pool beyond the registry: counts and failures. */
  private static final class Pool {
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    volatile Optional<String> problem = Optional.empty();
    volatile Instant retryAt = Instant.MIN;
    volatile Duration backoff = FIRST_BACKOFF;
  }

  public WarmPools(SessionSteps steps, Readiness readiness) {
    this.steps = steps;
    this.members = new PoolMembers(steps, readiness);
  }

  private PoolStore store() {
    return steps.registry().pools();
  }

  private Pool pool(String template) {
    return pools.computeIfAbsent(template, t -> new Pool());
  }

  /** The backend a template's pool keeps its members on: where a create of it goes by default. */
  public String backendOf(Template template) {
    return template.placement().backend().orElse(steps.backends().defaultName());
  }

  /**
   * Claims a ready member of {@code template} on {@code backend} for a new session {@code id} and
   * records the session, RUNNING, in the same transaction; the member's container is looked at
   * first (one inspect), and one whose app stopped is removed, never given out; empty (a miss,
   * counted) when the template has no pool there or none is ready, and the caller makes the session
   * the cold way.
   */
  public Optional<Session> claim(
      Template template,
      String backend,
      SessionId id,
      Map<String, String> labels,
      CullSettings culling) {
    if (!template.pool().enabled() || !backend.equals(backendOf(template))) {
      return Optional.empty();
    }
    Instant now = steps.now();
    Optional<PoolStore.Claim> claim = Optional.empty();
    SessionRuntime runtime = steps.backends().get(backend);
    for (PoolMemberRecord m :
        store().ready(template.name(), backend, PoolMembers.definition(template))) {
      // RUNNING must be true: a member whose app stopped since the last pass goes, not to a user.
      ObservedState seen =
          runtime.inspect(PoolMembers.runtimeSession(m.handle(), template, m.runtimeState()));
      if (seen instanceof ObservedState.Unknown) {
        continue; // cannot tell: neither handed out nor removed
      }
      if (!(seen instanceof ObservedState.Running)) {
        String why = MemberChecks.notRunning(seen);
        makers.execute(() -> removeMember(m, why)); // not on this create's time
        continue;
      }
      claim = store().claim(m, member -> bound(member, id, labels, culling, now));
      if (claim.isPresent()) {
        break;
      }
    }
    Pool pool = pool(template.name());
    (claim.isPresent() ? pool.hits : pool.misses).incrementAndGet();
    refill();
    return claim.map(PoolStore.Claim::session);
  }

  /** The session a claimed member becomes: RUNNING at once, with the member's state and ports. */
  private static Session bound(
      PoolMemberRecord m,
      SessionId id,
      Map<String, String> labels,
      CullSettings culling,
      Instant now) {
    SessionSpec spec =
        new SessionSpec(id, m.handle(), m.template(), m.backend(), labels, culling, now);
    return Session.recorded(spec, SessionLifecycle.wanting(DesiredState.RUNNING))
        .withRuntimeState(m.runtimeState(), now)
        .withEndpoints(m.endpoints(), now)
        .withStatus(SessionStatus.STARTING, "", now)
        .withStatus(SessionStatus.RUNNING, "", now);
  }

  /** Asks for a fill pass soon; passes do not pile up (one queued at most). */
  public void refill() {
    if (closed || !passQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      passes.execute(
          () -> {
            passQueued.set(false);
            try {
              pass();
            } catch (RuntimeException e) {
              log.warn("warm pool pass failed", e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      passQueued.set(false); // closing
    }
  }

  /** One fill pass; runs on the pass thread (tests call it through {@link #refillAndWait}). */
  private void pass() {
    Map<String, Template> wanted = new java.util.HashMap<>();
    for (Template t : steps.templates().all()) {
      if (t.pool().enabled() && steps.backends().names().contains(backendOf(t))) {
        wanted.put(t.name(), t);
      }
    }
    Map<String, List<PoolMemberRecord>> kept = new java.util.HashMap<>();
    var checks = new MemberChecks(steps.backends(), this::backendOf);
    for (PoolMemberRecord m : store().list()) {
      if (making.contains(m.handle())) {
        continue; // counted as in flight
      }
      Optional<String> why = checks.whyRemove(m, wanted.get(m.template()));
      if (why.isPresent()) {
        removeMember(m, why.get());
      } else {
        kept.computeIfAbsent(m.template(), k -> new ArrayList<>()).add(m);
      }
    }
    for (Template t : wanted.values()) {
      List<PoolMemberRecord> have = kept.getOrDefault(t.name(), List.of());
      // Members being made count once, by the pool's in-flight count (a queued one has no row).
      int count = have.size() + (int) pool(t.name()).inFlight.get();
      int surplus = count - t.pool().size();
      // Shrunk: the newest ready ones go (the oldest are claimed first, and are warmest).
      List<PoolMemberRecord> ready =
          have.stream()
              .filter(m -> m.state() == PoolMemberRecord.State.READY)
              .sorted(Comparator.comparing(PoolMemberRecord::createdAt).reversed())
              .toList();
      for (int i = 0; i < surplus && i < ready.size(); i++) {
        removeMember(ready.get(i), "the pool of '" + t.name() + "' shrank");
      }
      fill(t, t.pool().size() - count);
    }
  }

  private void removeMember(PoolMemberRecord m, String why) {
    log.info("pool member {} of '{}' removed: {}", m.handle(), m.template(), why);
    Template t =
        steps.templates().find(m.template()).orElseGet(() -> Template.placeholder(m.template()));
    try {
      members.remove(
          steps.backends().get(m.backend()),
          m.handle(),
          t,
          m.runtimeState(),
          m.state() == PoolMemberRecord.State.READY);
    } catch (RuntimeException e) {
      log.warn("pool member {}: could not remove it", m.handle(), e);
    }
  }

  /**
   * Starts up to {@code wanted} members of {@code t}, unless its pool is waiting after failures.
   */
  private void fill(Template t, int wanted) {
    Pool pool = pool(t.name());
    if (wanted <= 0 || steps.now().isBefore(pool.retryAt)) {
      return;
    }
    String backend = backendOf(t);
    SessionRuntime runtime = steps.backends().get(backend);
    Optional<String> unmakeable;
    try {
      unmakeable = members.unmakeable(t, runtime);
    } catch (RuntimeException e) {
      unmakeable = Optional.of(SessionSteps.message(e));
    }
    if (unmakeable.isPresent()) {
      failed(pool, unmakeable.get());
      return;
    }
    for (int i = 0; i < wanted; i++) {
      pool.inFlight.incrementAndGet();
      makers.execute(() -> makeOne(t, backend, runtime, pool));
    }
  }

  private void makeOne(Template t, String backend, SessionRuntime runtime, Pool pool) {
    try {
      if (closed) {
        return;
      }
      String handle = members.make(t, backend, runtime, making);
      pool.problem = Optional.empty();
      pool.backoff = FIRST_BACKOFF;
      log.debug("pool member {} of '{}' is ready", handle, t.name());
    } catch (RuntimeException e) {
      log.warn("a pool member of '{}' failed", t.name(), e);
      failed(pool, "a member failed: " + SessionSteps.message(e));
    } finally {
      pool.inFlight.decrementAndGet();
      synchronized (settled) {
        settled.notifyAll();
      }
    }
  }

  private void failed(Pool pool, String why) {
    pool.problem = Optional.of(why);
    pool.retryAt = steps.now().plus(pool.backoff);
    Duration next = pool.backoff.multipliedBy(2);
    pool.backoff = next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
  }

  /** Every template's pool now, by template name. */
  public List<PoolStatus> status() {
    Map<String, int[]> counts = new java.util.TreeMap<>();
    Map<String, List<PoolStatus.Member>> byTemplate = new java.util.HashMap<>();
    for (PoolMemberRecord m : store().list()) {
      int[] c = counts.computeIfAbsent(m.template(), k -> new int[2]);
      c[m.state() == PoolMemberRecord.State.READY ? 0 : 1]++;
      byTemplate
          .computeIfAbsent(m.template(), k -> new ArrayList<>())
          .add(new PoolStatus.Member(m.handle(), m.state().name()));
    }
    List<PoolStatus> out = new ArrayList<>();
    for (Template t : steps.templates().all()) {
      if (!t.pool().enabled()) {
        continue;
      }
      int[] c = counts.getOrDefault(t.name(), new int[2]);
      Pool p = pool(t.name());
      out.add(
          new PoolStatus(
              t.name(),
              backendOf(t),
              t.pool().size(),
              c[0],
              c[1],
              p.hits.get(),
              p.misses.get(),
              p.problem,
              List.copyOf(byTemplate.getOrDefault(t.name(), List.of()))));
    }
    out.sort(Comparator.comparing(PoolStatus::template));
    return out;
  }

  /**
   * Runs a fill pass now and waits until every member it started is ready or failed, up to {@code
   * timeout}; for tests and for a start-up that wants its pools full.
   */
  public void refillAndWait(Duration timeout) throws InterruptedException {
    var done = new java.util.concurrent.CountDownLatch(1);
    passes.execute(
        () -> {
          try {
            pass();
          } finally {
            done.countDown();
          }
        });
    long end = System.nanoTime() + timeout.toNanos();
    if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return;
    }
    synchronized (settled) {
      long left;
      while (making() > 0 && (left = end - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(settled, left);
      }
    }
  }

  private long making() {
    return pools.values().stream().mapToLong(p -> p.inFlight.get()).sum();
  }

  /**
   * Stops filling ({@link #close}) and removes every member with what it made; a member claimed
   * meanwhile is its session's and stays. For an installation that gives up its pools, and tests.
   *
   * @return how many members were removed
   */
  public int closeAndDrain() {
    close();
    int removed = 0;
    for (PoolMemberRecord m : store().list()) {
      removeMember(m, "the pools were drained");
      removed++;
    }
    return removed;
  }

  /** Stops filling; members stay (the next manager claims them, or removes what changed). */
  @Override
  public void close() {
    closed = true;
    passes.shutdownNow();
    // Members being made finish (an interrupted engine call could leave half a member without
    // its row); queued ones see `closed` and make nothing.
    makers.shutdown();
    try {
      makers.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
