package dev.berth.service;

import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Backends;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.DesiredState;
import dev.berth.session.MigrationResult;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionListener;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The use cases of Berth, one place for every edge (REST, CLI, MCP, proxy, dashboard): create,
 * start, stop, delete with a receipt, look up, and work inside a session (see {@link
 * SessionWorkspace}). Operations on one session are serialized by {@link SessionLocks}; the
 * reconciler works on a session through {@link #tryRepair}, under the same lock. Callers authorize
 * before they call; this class trusts its caller.
 *
 * <p>Crash consistency: a create records the session (PENDING, with what was asked) before any
 * resource is made, and a delete records that it was asked (desired DELETED) before anything is
 * removed; a manager killed at any point leaves a registry entry that the next start finishes.
 */
public final class SessionService {
  /** How often activity of one session is written to the registry at most. */
  public static final Duration ACTIVITY_EVERY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(SessionService.class);

  private final Registry registry;
  private final Backends backends;
  private final TemplateCatalog templates;
  private final Tokens tokens;
  private final Clock clock;
  private final Duration stopGrace;
  private final SessionLocks locks = new SessionLocks();
  private final SessionJournal journal;
  private final ActivityTracker activity;
  private final SessionDeletion deletion;
  private final Probes probes = new Probes();
  private final Readiness readiness = new Readiness(probes);
  private final SessionWorkspace workspace;

  public SessionService(
      Registry registry,
      Backends backends,
      TemplateCatalog templates,
      Tokens tokens,
      Clock clock,
      Duration stopGrace,
      WorkspaceLimits limits) {
    this.registry = registry;
    this.backends = backends;
    this.templates = templates;
    this.tokens = tokens;
    this.clock = clock;
    this.stopGrace = stopGrace;
    this.journal = new SessionJournal(registry, clock);
    this.activity = new ActivityTracker(registry, clock, ACTIVITY_EVERY);
    this.deletion = new SessionDeletion(this, registry, activity);
    this.workspace = new SessionWorkspace(this, limits);
  }

  /** File and exec operations inside sessions. */
  public SessionWorkspace workspace() {
    return workspace;
  }

  public TemplateCatalog templates() {
    return templates;
  }

  public Backends backends() {
    return backends;
  }

  public Clock clock() {
    return clock;
  }

  /** Hears every session event and each create's and delete's duration (metrics, event stream). */
  public void addListener(SessionListener listener) {
    journal.addListener(listener);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Creates a session: validates everything first (nothing is made for bad input), records it as
   * PENDING, prepares its workspace, then (unless only warming) starts it and waits until it is
   * ready. A runtime failure leaves the session FAILED with the reason, for inspection and delete.
   */
  public CreatedSession create(CreateSessionRequest request) {
    long t0 = System.nanoTime();
    Template template = templates.get(request.template().orElse(Template.DEFAULT_NAME));
    String backend = request.backend().or(template::backend).orElse(backends.defaultName());
    SessionRuntime runtime = backends.get(backend);
    requireAllowed(template, backend);
    SessionId id = request.id().orElseGet(SessionId::generate);
    CreatedSession created =
        locks.exclusive(
            id,
            () -> {
              var now = clock.instant();
              var session =
                  new Session(
                      id,
                      template.name(),
                      backend,
                      SessionStatus.PENDING,
                      "",
                      request.labels(),
                      RuntimeState.EMPTY,
                      Map.of(),
                      now,
                      now,
                      now,
                      "",
                      SessionLifecycle.wanting(
                          request.start() ? DesiredState.RUNNING : DesiredState.STOPPED),
                      request.culling());
              journal.insert(
                  session, "created from template '" + template.name() + "' on " + backend);
              String token = tokens.issueSessionToken(id);
              return new CreatedSession(finishCreate(session, template, runtime), token);
            });
    journal.created(created.session(), Duration.ofNanos(System.nanoTime() - t0));
    return created;
  }

  /** Prepares (idempotently) and then starts or warms the session, as its desired state says. */
  Session finishCreate(Session created, Template template, SessionRuntime runtime) {
    Session session = runStep(created, "prepare", () -> prepare(created.id(), template, runtime));
    if (session.status() == SessionStatus.FAILED) {
      return session;
    }
    return session.lifecycle().desired() == DesiredState.RUNNING
        ? startLocked(session, template, runtime)
        : save(session.withStatus(SessionStatus.STOPPED, "warmed", clock.instant()));
  }

  private Session prepare(SessionId id, Template template, SessionRuntime runtime) {
    Session current = require(id);
    RuntimeState state = runtime.prepare(runtimeSession(current, template));
    Session prepared = save(current.withRuntimeState(state, clock.instant()));
    recordImage(runtime, runtimeSession(prepared, template));
    return prepared;
  }

  /** Notes which image the session runs (a start may have recreated a lost container). */
  private void recordImage(SessionRuntime runtime, RuntimeSession rs) {
    registry.setImageId(rs.id(), runtime.imageId(rs).orElse(""));
  }

  /** Starts a stopped or failed session; a running one is returned as it is. */
  public Session start(SessionId id) {
    return locks.exclusive(
        id,
        () -> {
          Session s = require(id);
          if (s.status() == SessionStatus.RUNNING) {
            return s;
          }
          Session wanted = save(s.withLifecycle(s.lifecycle().want(DesiredState.RUNNING)));
          return startLocked(wanted, templateOf(s), backends.get(s.backend()));
        });
  }

  Session startLocked(Session s, Template template, SessionRuntime runtime) {
    Session starting = save(s.withStatus(SessionStatus.STARTING, "", clock.instant()));
    Session started =
        runStep(
            starting,
            "start",
            () -> {
              RuntimeState state = runtime.start(runtimeSession(starting, template));
              Session withState = save(starting.withRuntimeState(state, clock.instant()));
              recordImage(runtime, runtimeSession(withState, template));
              Optional<String> notReady =
                  readiness.await(runtime, runtimeSession(withState, template));
              if (notReady.isPresent()) {
                String tail = runtime.logTail(runtimeSession(withState, template), 30);
                event(s.id(), "log", "last lines of the app's output", tail);
                throw new BerthException(ErrorCode.RUNTIME_FAILURE, notReady.get());
              }
              return withState.withEndpoints(
                  endpoints(runtime, runtimeSession(withState, template)), clock.instant());
            });
    if (started.status() == SessionStatus.FAILED) {
      return started;
    }
    return save(started.withStatus(SessionStatus.RUNNING, "", clock.instant()));
  }

  Map<Integer, String> endpoints(SessionRuntime runtime, RuntimeSession rs) {
    Map<Integer, String> out = new TreeMap<>();
    for (int port : rs.template().ports()) {
      runtime.endpoint(rs, port).map(URI::toString).ifPresent(url -> out.put(port, url));
    }
    return out;
  }

  /** Stops a session's processes and keeps its workspace; stopping a stopped one is a no-op. */
  public Session stop(SessionId id) {
    return locks.exclusive(id, () -> stopLocked(require(id), ""));
  }

  Session stopLocked(Session s, String reason) {
    if (s.lifecycle().desired() != DesiredState.STOPPED
        || s.lifecycle().nextRestartAt().isPresent()) {
      s = save(s.withLifecycle(s.lifecycle().want(DesiredState.STOPPED)));
    }
    if (s.status() == SessionStatus.STOPPED) {
      return s;
    }
    Session stopping =
        s.status() == SessionStatus.STOPPING
            ? s // a stop that a manager restart interrupted: finish it
            : save(s.withStatus(SessionStatus.STOPPING, reason, clock.instant()));
    SessionRuntime runtime = backends.get(s.backend());
    Template template = templateOrBuiltin(s);
    Session done =
        runStep(
            stopping,
            "stop",
            () -> {
              RuntimeState state = runtime.stop(runtimeSession(stopping, template), stopGrace);
              return stopping.withRuntimeState(state, clock.instant());
            });
    if (done.status() == SessionStatus.FAILED) {
      return done;
    }
    return save(
        done.withStatus(SessionStatus.STOPPED, reason, clock.instant())
            .withEndpoints(Map.of(), clock.instant()));
  }

  /**
   * Moves a session onto its template's current image, keeping its workspace: stops it if it runs,
   * has the runtime drop what belonged to the old image ({@link SessionRuntime#renew}), and starts
   * it again if it was running (a stopped session stays stopped and gets the new image at its next
   * start). Used by {@code berth update --restart-idle}.
   */
  public Session restartOnNewImage(SessionId id) {
    return locks.exclusive(
        id,
        () -> {
          Session s = require(id);
          boolean wasRunning =
              s.status() == SessionStatus.RUNNING || s.status() == SessionStatus.STARTING;
          Template template = templateOf(s);
          SessionRuntime runtime = backends.get(s.backend());
          if (s.status() != SessionStatus.STOPPED) {
            s = stop(id); // the lock is reentrant: this thread holds it already
            if (s.status() != SessionStatus.STOPPED) {
              return s;
            }
          }
          Session before = s;
          Session renewed =
              runStep(
                  s,
                  "renew",
                  () ->
                      before.withRuntimeState(
                          runtime.renew(runtimeSession(before, template)), clock.instant()));
          if (renewed.status() == SessionStatus.FAILED) {
            return renewed;
          }
          recordImage(runtime, runtimeSession(renewed, template));
          event(id, "image", "renewed on the template's current image");
          if (!wasRunning) {
            return renewed;
          }
          // The stop above recorded that the session should be stopped; it should run again, or
          // the reconciler would stop it a moment after this restart.
          Session wanted =
              save(renewed.withLifecycle(renewed.lifecycle().want(DesiredState.RUNNING)));
          return startLocked(wanted, template, runtime);
        });
  }

  /** The image each live session runs, where the backend records one. */
  public Map<SessionId, String> imageIds() {
    return registry.imageIds();
  }

  /**
   * Removes everything the session owns and returns the receipt. A complete cleanup marks the
   * session DELETED and revokes its tokens; a partial one leaves it FAILED (still wanting deletion:
   * the reconciler retries) so a retry removes the rest. Deleting a deleted session runs the
   * cleanup again and reports what was left (usually nothing).
   */
  public SessionCleanupReceipt delete(SessionId id) {
    long t0 = System.nanoTime();
    SessionCleanupReceipt receipt =
        locks.exclusive(
            id,
            () ->
                deleteLocked(
                    registry
                        .find(id)
                        .orElseThrow(() -> BerthException.notFound("no session '" + id + "'")),
                    ""));
    journal.deleted(receipt, Duration.ofNanos(System.nanoTime() - t0));
    return receipt;
  }

  SessionCleanupReceipt deleteLocked(Session s, String why) {
    return deletion.delete(s, why);
  }

  /**
   * Moves a session to another backend with its workspace (same id, labels and tokens); see {@link
   * SessionMigration}. On failure the session stays on its backend, running again if it was.
   */
  public MigrationResult migrate(SessionId id, String targetBackend) {
    return locks.exclusive(id, () -> new SessionMigration(this).run(id, targetBackend));
  }

  /** 403 unless the template lets its sessions live on {@code backend} (its allowedBackends). */
  static void requireAllowed(Template template, String backend) {
    if (!template.allowsBackend(backend)) {
      throw new BerthException(
          ErrorCode.FORBIDDEN,
          "template '"
              + template.name()
              + "' allows its sessions only on "
              + String.join(", ", template.allowedBackends())
              + "; backend '"
              + backend
              + "' is not one of them (choose one of those, or add it to the template's"
              + " allowedBackends)");
    }
  }

  // ---- lookups --------------------------------------------------------------------------------

  /** A live session; 404 for unknown and deleted ones. */
  public Session get(SessionId id) {
    return require(id);
  }

  public List<Session> list(SessionFilter filter) {
    return registry.list(filter);
  }

  public List<SessionEvent> events(SessionId id, long afterId, int limit) {
    registry.find(id).orElseThrow(() -> BerthException.notFound("no session '" + id + "'"));
    return registry.events(id, afterId, limit);
  }

  /** Events of all sessions after event id {@code afterId}, oldest first (the event stream). */
  public List<SessionEvent> allEvents(long afterId, int limit) {
    return registry.eventsAfter(afterId, limit);
  }

  /** The last lines of the session's app output (process log, container log). */
  public String logTail(SessionId id, int lines) {
    Session s = require(id);
    return backends.get(s.backend()).logTail(runtimeSession(s, templateOf(s)), lines);
  }

  /** The session's last use, including uses not yet written to the registry (see below). */
  public LockedSession.Activity lastActivity(Session s) {
    return activity.last(s);
  }

  /** The template a session was made from, or the built-in one if it was removed since. */
  public Template templateOrBuiltin(Session s) {
    try {
      return templates.get(s.template());
    } catch (BerthException e) {
      return Template.builtinDefault();
    }
  }

  /**
   * Runs {@code work} holding the session's lifecycle lock: the orphan collector takes it around
   * its last check and removal, so a create of the same id cannot interleave with them.
   */
  public <T> T exclusive(SessionId id, Supplier<T> work) {
    return locks.exclusive(id, work);
  }

  // ---- reconciliation ------------------------------------------------------------------------

  /**
   * Runs {@code work} on the session while holding its lifecycle lock, if the session is live and
   * no other operation holds it right now; empty otherwise (the caller tries again later). The
   * reconciler's way in: one session is never reconciled twice at once, nor during a user's create,
   * start, stop or delete.
   */
  public <T> Optional<T> tryRepair(SessionId id, Function<LockedSession, T> work) {
    return locks
        .tryExclusive(
            id,
            () ->
                registry
                    .find(id)
                    .filter(s -> s.status().isLive())
                    .map(s -> work.apply(new SessionRepair(this, s))))
        .flatMap(x -> x);
  }

  /**
   * One attempt of a RUNNING session's probe with its health-check timeout, beside file and exec
   * calls (never during a lifecycle change). Empty when it could not be tried now (busy for longer
   * than the probe's timeout, not running, no probe); else the probe's error, or an empty string
   * for a pass.
   */
  public Optional<String> probe(SessionId id) {
    // Waits for the session rather than giving up at once: reconcile passes hold it briefly on
    // the same beat as the health checks, and a probe that only tried would be skipped at every
    // tick for as long as the two stay in step (seen: 20 s and more without a single probe).
    Duration wait =
        registry.find(id).map(s -> templateOrBuiltin(s).health().timeout()).orElse(Duration.ZERO);
    return locks
        .tryShared(
            id,
            wait,
            () ->
                registry
                    .find(id)
                    .filter(x -> x.status() == SessionStatus.RUNNING)
                    .flatMap(this::probeRunning))
        .flatMap(x -> x);
  }

  private Optional<String> probeRunning(Session s) {
    Template t = templateOrBuiltin(s);
    if (t.probe().isEmpty()) {
      return Optional.empty();
    }
    Map<Integer, URI> eps = new TreeMap<>();
    s.endpoints().forEach((port, url) -> eps.put(port, URI.create(url)));
    var attempt =
        probes.attempt(
            runtimeOf(s), runtimeSession(s, t), t.probe().get(), eps, t.health().timeout());
    return Optional.of(attempt.orElse(""));
  }

  // ---- shared helpers ---------------------------------------------------------------------------

  /** Runs {@code step}; on failure marks the session FAILED with the reason and returns that. */
  Session runStep(Session s, String step, Supplier<Session> work) {
    try {
      return save(work.get());
    } catch (RuntimeException e) {
      log.warn("{} of session {} failed", step, s.id(), e);
      String reason = step + " failed: " + message(e);
      event(s.id(), "error", reason);
      Session latest = registry.find(s.id()).orElse(s);
      return save(latest.withStatus(SessionStatus.FAILED, reason, clock.instant()));
    }
  }

  static String message(RuntimeException e) {
    return e instanceof BerthException ? e.getMessage() : e.toString();
  }

  Session require(SessionId id) {
    return registry
        .find(id)
        .filter(s -> s.status().isLive())
        .orElseThrow(() -> BerthException.notFound("no session '" + id + "'"));
  }

  Optional<Session> find(SessionId id) {
    return registry.find(id);
  }

  Template templateOf(Session s) {
    return templates.get(s.template());
  }

  RuntimeSession runtimeSession(Session s, Template template) {
    // forSession: the app learns its public base path behind the proxy (BERTH_BASE_PATH...).
    return new RuntimeSession(s.id(), template.forSession(s.id()), s.labels(), s.runtimeState());
  }

  SessionRuntime runtimeOf(Session s) {
    return backends.get(s.backend());
  }

  Duration stopGrace() {
    return stopGrace;
  }

  <T> T shared(SessionId id, Supplier<T> work) {
    return locks.shared(id, work);
  }

  /**
   * Records that the session was used ({@code via}: {@code api}, {@code mcp}, {@code proxy}, ...)
   * for idle culling. Cheap enough for every request: the registry is written at most once per
   * {@link #ACTIVITY_EVERY} per session, so a busy proxy or tool loop costs one write per interval;
   * the latest use is also kept in memory, so culling sees it at once.
   */
  public void recordActivity(SessionId id, String via) {
    activity.record(id, via);
  }

  Readiness readiness() {
    return readiness;
  }

  Instant now() {
    return clock.instant();
  }

  static String json(Object value) {
    return tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(value);
  }

  Session save(Session s) {
    return journal.save(s);
  }

  void event(SessionId id, String type, String message) {
    event(id, type, message, "");
  }

  void event(SessionId id, String type, String message, String data) {
    journal.event(id, type, message, data);
  }
}
