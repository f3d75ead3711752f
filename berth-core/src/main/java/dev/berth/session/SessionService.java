package dev.berth.session;

import dev.berth.auth.Tokens;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The use cases of Berth, one place for every edge (REST, CLI, MCP, proxy, dashboard): create,
 * start, stop, delete with a receipt, look up, and work inside a session (see {@link
 * SessionWorkspace}). Operations on one session are serialized by {@link SessionLocks}. Callers
 * authorize before they call; this class trusts its caller.
 */
public final class SessionService {
  /** How often activity of one session is written to the registry at most. */
  public static final Duration ACTIVITY_EVERY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(SessionService.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Registry registry;
  private final Backends backends;
  private final TemplateCatalog templates;
  private final Tokens tokens;
  private final Clock clock;
  private final Duration stopGrace;
  private final SessionLocks locks = new SessionLocks();
  private final ConcurrentHashMap<SessionId, Instant> lastActivityWrite = new ConcurrentHashMap<>();
  private final Readiness readiness = new Readiness();
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

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Creates a session: validates everything first (nothing is made for bad input), records it as
   * PENDING, prepares its workspace, then (unless only warming) starts it and waits until it is
   * ready. A runtime failure leaves the session FAILED with the reason, for inspection and delete.
   */
  public CreatedSession create(CreateSessionRequest request) {
    Template template = templates.get(request.template().orElse(Template.DEFAULT_NAME));
    String backend = request.backend().or(template::backend).orElse(backends.defaultName());
    SessionRuntime runtime = backends.get(backend);
    SessionId id = request.id().orElseGet(SessionId::generate);
    return locks.exclusive(
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
                  now);
          registry.insert(session);
          String token = tokens.issueSessionToken(id);
          event(id, "status", "created from template '" + template.name() + "' on " + backend);
          session = runStep(session, "prepare", () -> prepare(id, template, runtime));
          if (session.status() != SessionStatus.FAILED) {
            session =
                request.start()
                    ? startLocked(session, template, runtime)
                    : save(session.withStatus(SessionStatus.STOPPED, "warmed", clock.instant()));
          }
          return new CreatedSession(session, token);
        });
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
          return startLocked(s, templateOf(s), backends.get(s.backend()));
        });
  }

  private Session startLocked(Session s, Template template, SessionRuntime runtime) {
    Session starting = save(s.withStatus(SessionStatus.STARTING, "", clock.instant()));
    event(s.id(), "status", "starting");
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
    Session running = save(started.withStatus(SessionStatus.RUNNING, "", clock.instant()));
    event(s.id(), "status", "running" + running.primaryEndpoint().map(e -> " at " + e).orElse(""));
    return running;
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
    return locks.exclusive(
        id,
        () -> {
          Session s = require(id);
          if (s.status() == SessionStatus.STOPPED) {
            return s;
          }
          Session stopping = save(s.withStatus(SessionStatus.STOPPING, "", clock.instant()));
          SessionRuntime runtime = backends.get(s.backend());
          Session done =
              runStep(
                  stopping,
                  "stop",
                  () -> {
                    RuntimeState state =
                        runtime.stop(runtimeSession(stopping, templateOf(s)), stopGrace);
                    return stopping.withRuntimeState(state, clock.instant());
                  });
          if (done.status() == SessionStatus.FAILED) {
            return done;
          }
          event(id, "status", "stopped");
          return save(
              done.withStatus(SessionStatus.STOPPED, "", clock.instant())
                  .withEndpoints(Map.of(), clock.instant()));
        });
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
          return wasRunning ? startLocked(renewed, template, runtime) : renewed;
        });
  }

  /** The image each live session runs, where the backend records one. */
  public Map<SessionId, String> imageIds() {
    return registry.imageIds();
  }

  /**
   * Removes everything the session owns and returns the receipt. A complete cleanup marks the
   * session DELETED and revokes its tokens; a partial one leaves it FAILED so a retry removes the
   * rest. Deleting a deleted session runs the cleanup again and reports what was left (usually
   * nothing).
   */
  public SessionCleanupReceipt delete(SessionId id) {
    return locks.exclusive(
        id,
        () -> {
          Session s =
              registry
                  .find(id)
                  .orElseThrow(() -> BerthException.notFound("no session '" + id + "'"));
          SessionRuntime runtime = backends.get(s.backend());
          CleanupReport report;
          try {
            report = runtime.destroy(runtimeSession(s, templateOrBuiltin(s)));
          } catch (RuntimeException e) {
            log.warn("destroy of session {} failed", id, e);
            report = new CleanupReport.Builder().failed("session", id.value(), message(e)).build();
          }
          var receipt = SessionCleanupReceipt.of(id, s.backend(), report, clock.instant());
          event(id, "cleanup", summary(receipt), JSON.writeValueAsString(receipt));
          if (s.status() == SessionStatus.DELETED) {
            return receipt;
          }
          if (receipt.complete()) {
            registry.deleteTokens(id);
            save(
                s.withStatus(SessionStatus.DELETED, "", clock.instant())
                    .withEndpoints(Map.of(), clock.instant()));
          } else {
            String reason = "cleanup incomplete: " + receipt.failed().size() + " resource(s) left";
            save(s.withStatus(SessionStatus.FAILED, reason, clock.instant()));
          }
          return receipt;
        });
  }

  private static String summary(SessionCleanupReceipt r) {
    if (r.nothingLeft()) {
      return "cleanup: nothing left to remove";
    }
    return "cleanup: removed " + r.removed().size() + ", failed " + r.failed().size();
  }

  /**
   * Moves a session to another backend with its workspace (same id, labels and tokens); see {@link
   * SessionMigration}. On failure the session stays on its backend, running again if it was.
   */
  public MigrationResult migrate(SessionId id, String targetBackend) {
    return locks.exclusive(id, () -> new SessionMigration(this).run(id, targetBackend));
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

  /** The last lines of the session's app output (process log, container log). */
  public String logTail(SessionId id, int lines) {
    Session s = require(id);
    return backends.get(s.backend()).logTail(runtimeSession(s, templateOf(s)), lines);
  }

  // ---- orphans ---------------------------------------------------------------------------------

  /**
   * Lists (and unless {@code dryRun} removes) Berth-labelled resources with no live session, older
   * than {@code grace}. The same code serves {@code berth gc} and the reconciler.
   */
  public List<OrphanCollector.Orphan> collectOrphans(Duration grace, boolean dryRun) {
    return new OrphanCollector(registry, backends, clock, locks::exclusive).collect(grace, dryRun);
  }

  // ---- start-up reconciliation -----------------------------------------------------------------

  /**
   * Brings the registry in line with what the runtimes report, after a manager restart: a session
   * recorded RUNNING whose app died while Berth was down becomes FAILED, with the reason. Sessions
   * the runtime cannot see clearly ({@link ObservedState.Unknown}) are left as they are.
   */
  public void reconcileStatuses() {
    for (Session s : registry.list(SessionFilter.ALL_LIVE)) {
      try {
        locks.exclusive(
            s.id(),
            () -> {
              reconcileOne(require(s.id()));
              return null;
            });
      } catch (RuntimeException e) {
        log.warn("could not reconcile session {}: {}", s.id(), e.toString());
      }
    }
  }

  private void reconcileOne(Session s) {
    SessionRuntime runtime = backends.get(s.backend());
    ObservedState observed = runtime.inspect(runtimeSession(s, templateOrBuiltin(s)));
    Optional<String> problem =
        switch (observed) {
          case ObservedState.Missing m -> Optional.of("workspace missing: " + m.detail());
          case ObservedState.Exited e ->
              s.status() == SessionStatus.RUNNING || s.status() == SessionStatus.STARTING
                  ? Optional.of("the app is no longer running: " + e.detail())
                  : Optional.empty();
          case ObservedState.Prepared p ->
              s.status() == SessionStatus.RUNNING || s.status() == SessionStatus.STARTING
                  ? Optional.of("the app is no longer running (found at start-up)")
                  : Optional.empty();
          case ObservedState.Running r -> Optional.empty();
          case ObservedState.Pending p -> Optional.empty();
          case ObservedState.Unknown u -> Optional.empty();
        };
    if (s.status() == SessionStatus.PENDING || s.status() == SessionStatus.STOPPING) {
      // The manager died in the middle of an operation: say so rather than guess.
      problem = problem.or(() -> Optional.of("interrupted while " + s.status()));
    }
    if (problem.isPresent() && s.status() != SessionStatus.FAILED) {
      event(s.id(), "status", "failed: " + problem.get());
      save(s.withStatus(SessionStatus.FAILED, problem.get(), clock.instant()));
    }
  }

  // ---- shared helpers ---------------------------------------------------------------------------

  /** Runs {@code step}; on failure marks the session FAILED with the reason and returns that. */
  private Session runStep(Session s, String step, Supplier<Session> work) {
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

  private static String message(RuntimeException e) {
    return e instanceof BerthException ? e.getMessage() : e.toString();
  }

  Session require(SessionId id) {
    return registry
        .find(id)
        .filter(s -> s.status().isLive())
        .orElseThrow(() -> BerthException.notFound("no session '" + id + "'"));
  }

  Template templateOf(Session s) {
    return templates.get(s.template());
  }

  /** The session's template, or the built-in one if its template was removed since. */
  private Template templateOrBuiltin(Session s) {
    try {
      return templates.get(s.template());
    } catch (BerthException e) {
      return Template.builtinDefault();
    }
  }

  RuntimeSession runtimeSession(Session s, Template template) {
    // forSession: the app learns its public base path behind the proxy (BERTH_BASE_PATH...).
    return new RuntimeSession(s.id(), template.forSession(s.id()), s.labels(), s.runtimeState());
  }

  SessionRuntime runtimeOf(Session s) {
    return backends.get(s.backend());
  }

  <T> T shared(SessionId id, Supplier<T> work) {
    return locks.shared(id, work);
  }

  /**
   * Records that the session was used ({@code via}: {@code api}, {@code mcp}, {@code proxy}, ...)
   * for idle culling. Cheap enough for every request: the registry is written at most once per
   * {@link #ACTIVITY_EVERY} per session, so a busy proxy or tool loop costs one write per interval.
   */
  public void recordActivity(SessionId id, String via) {
    Instant now = clock.instant();
    Instant last = lastActivityWrite.get(id);
    if (last == null || !now.isBefore(last.plus(ACTIVITY_EVERY))) {
      lastActivityWrite.put(id, now);
      registry.touch(id, now, via);
    }
  }

  Readiness readiness() {
    return readiness;
  }

  Instant now() {
    return clock.instant();
  }

  static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  Session save(Session s) {
    registry.update(s);
    return s;
  }

  void event(SessionId id, String type, String message) {
    event(id, type, message, "");
  }

  void event(SessionId id, String type, String message, String data) {
    registry.appendEvent(id, clock.instant(), type, message, data);
  }
}
