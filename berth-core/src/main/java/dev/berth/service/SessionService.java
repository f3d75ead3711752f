package dev.berth.service;

import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.Pause;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Abilities;
import dev.berth.runtime.Ability;
import dev.berth.runtime.Backends;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.Probes;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.changes.SessionChanges;
import dev.berth.service.pools.WarmPools;
import dev.berth.service.steps.LifecycleSteps;
import dev.berth.service.steps.Readiness;
import dev.berth.service.steps.SessionLocks;
import dev.berth.service.steps.SessionSteps;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.DesiredState;
import dev.berth.session.MigrationResult;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionListener;
import dev.berth.session.SessionSpec;
import dev.berth.session.SessionStatus;
import dev.berth.template.ReloadingTemplates;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import dev.berth.template.TemplateSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

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
  /** How many lines of output a log read answers when it is not told (REST, MCP). */
  public static final int DEFAULT_LOG_LINES = 100;

  /** The most lines of output one log read answers (REST, MCP). */
  public static final int MAX_LOG_LINES = 10_000;

  private final SessionSteps steps;
  private final LifecycleSteps lifecycle;
  private final Tokens tokens;
  private final Probes probes = new Probes();
  private final HealthProbing health;
  private final SessionDeletion deletion;
  private final SessionWorkspace workspace;
  private final SessionChanges changes;
  private final SessionContainerOps containers;
  private final SessionProcessOps processes;
  private final TokenRotation tokenRotation;
  private final SessionTrails trails;
  private final SessionDefinitions definitions;
  private final WarmPools pools;
  private final Path tmpDir;

  public SessionService(
      Registry registry,
      Backends backends,
      TemplateSource templates,
      Tokens tokens,
      Clock clock,
      Duration stopGrace,
      WorkspaceLimits limits) {
    this(registry, backends, templates, tokens, clock, stopGrace, limits, Pause.SLEEP);
  }

  /**
   * @param pause how waits pass (readiness polling): {@link Pause#SLEEP}, or a manual clock's in
   *     logic tests
   */
  public SessionService(
      Registry registry,
      Backends backends,
      TemplateSource templates,
      Tokens tokens,
      Clock clock,
      Duration stopGrace,
      WorkspaceLimits limits,
      Pause pause) {
    this(
        registry,
        backends,
        templates,
        tokens,
        clock,
        stopGrace,
        limits,
        pause,
        Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * @param tmpDir where temporary files go (a migration's workspace archive, an image's build
   *     context): the server gives its data directory's {@code tmp}, which it empties at start-up
   */
  public SessionService(
      Registry registry,
      Backends backends,
      TemplateSource templates,
      Tokens tokens,
      Clock clock,
      Duration stopGrace,
      WorkspaceLimits limits,
      Pause pause,
      Path tmpDir) {
    this.tmpDir = tmpDir;
    this.steps = new SessionSteps(registry, backends, templates, clock, stopGrace);
    this.lifecycle = new LifecycleSteps(steps, new Readiness(probes, clock, pause));
    this.tokens = tokens;
    this.deletion = new SessionDeletion(steps);
    this.changes = new SessionChanges(steps);
    this.workspace = new SessionWorkspace(steps, limits, changes);
    // A deleted session's change feed ends at once, not at the next poll or reaper pass: its
    // streams end with it.
    steps.journal().addListener(changes.endsFeedsOfDeletedSessions());
    this.containers = new SessionContainerOps(steps);
    this.processes = new SessionProcessOps(steps);
    this.tokenRotation = new TokenRotation(steps, tokens);
    this.trails = new SessionTrails(registry);
    this.definitions = new SessionDefinitions(steps);
    this.health = new HealthProbing(steps, probes);
    this.pools = new WarmPools(steps, lifecycle.readiness());
  }

  /** Templates' warm pools: their status, and a fill pass on request (the reconciler's). */
  public WarmPools pools() {
    return pools;
  }

  /** Where temporary files go (see the constructor); image builds put their contexts here too. */
  public Path tmpDir() {
    return tmpDir;
  }

  /** File and exec operations inside sessions. */
  public SessionWorkspace workspace() {
    return workspace;
  }

  /** Processes started with handles: terminals, background servers, streamed commands. */
  public SessionProcessOps processes() {
    return processes;
  }

  /** A session's containers one by one (a template's {@code containers:}). */
  public SessionContainerOps containers() {
    return containers;
  }

  /** The trails of every session that has held an id, by incarnation. */
  public SessionTrails trails() {
    return trails;
  }

  /** The templates as of now (a reload swaps them: ask again rather than keep them). */
  public TemplateCatalog templates() {
    return steps.templates();
  }

  /** Where the templates come from: a fixed catalog, or {@link ReloadingTemplates}. */
  public TemplateSource templateSource() {
    return steps.templateSource();
  }

  /** Which template definition each session runs, and whether it is outdated. */
  public SessionDefinitions definitions() {
    return definitions;
  }

  public Backends backends() {
    return steps.backends();
  }

  public Clock clock() {
    return steps.clock();
  }

  /** Hears every session event and each create's and delete's duration (metrics, event stream). */
  /** Ends every workspace change feed and its watcher (the server is shutting down). */
  public void endChangeFeeds() {
    changes.close();
  }

  public void addListener(SessionListener listener) {
    steps.journal().addListener(listener);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Creates a session: validates everything first (nothing is made for bad input, nor for a
   * precondition Berth can check: see {@link #imagesToBuild}), records it as PENDING, prepares its
   * workspace, then (unless only warming) starts it and waits until it is ready. A runtime failure
   * leaves the session FAILED with the reason, for inspection and delete.
   *
   * @throws ImageNotBuiltException when the template's image is one Berth builds and is not built
   *     (nothing is made; {@link dev.berth.service.images.FirstUseBuilds} builds it first)
   */
  public CreatedSession create(CreateSessionRequest request) {
    long t0 = System.nanoTime();
    CreatePreflight.Target target = CreatePreflight.target(steps, request);
    if (request.start()) {
      // A member was made from the same template on the same backend after the same checks:
      // the backend's preflight passed for it.
      Optional<CreatedSession> pooled = claimFromPool(target, request);
      if (pooled.isPresent()) {
        steps.journal().created(pooled.get().session(), Duration.ofNanos(System.nanoTime() - t0));
        return pooled.get();
      }
    }
    var unbuilt = CreatePreflight.imagesToBuild(target);
    if (!unbuilt.isEmpty()) {
      throw CreatePreflight.notBuilt(target.template().name(), unbuilt);
    }
    Template template = target.template();
    SessionRuntime runtime = target.runtime();
    SessionId id = target.id();
    CreatedSession created =
        steps
            .locks()
            .exclusive(
                id,
                () -> {
                  var now = steps.now();
                  var session =
                      Session.recorded(
                          SessionSpec.of(
                              id,
                              template.name(),
                              target.backend(),
                              request.labels(),
                              request.culling(),
                              now),
                          SessionLifecycle.wanting(
                              request.start() ? DesiredState.RUNNING : DesiredState.STOPPED));
                  steps
                      .journal()
                      .insert(
                          session,
                          "created from template '" + template.name() + "' on " + target.backend());
                  // No token at all where a token could not keep its holder to the session.
                  Optional<String> noToken = runtime.sessionTokenRefusal();
                  String token = noToken.isPresent() ? null : tokens.issueSessionToken(id);
                  return new CreatedSession(
                      lifecycle.prepareThenStartOrWarm(session, template, runtime), token, noToken);
                });
    steps.journal().created(created.session(), Duration.ofNanos(System.nanoTime() - t0));
    return created;
  }

  /** The session made of a ready pool member, with its token; empty when none was ready. */
  private Optional<CreatedSession> claimFromPool(
      CreatePreflight.Target target, CreateSessionRequest request) {
    Template template = target.template();
    if (!template.pool().enabled()) {
      return Optional.empty();
    }
    SessionId id = target.id();
    return steps
        .locks()
        .exclusive(
            id,
            () ->
                pools
                    .claim(template, target.backend(), id, request.labels(), request.culling())
                    .map(
                        session -> {
                          steps
                              .journal()
                              .claimed(
                                  session,
                                  "created from template '"
                                      + template.name()
                                      + "' on "
                                      + target.backend()
                                      + " from its warm pool (member "
                                      + session.handle()
                                      + ", running at once)");
                          Optional<String> noToken = target.runtime().sessionTokenRefusal();
                          String token = noToken.isPresent() ? null : tokens.issueSessionToken(id);
                          return new CreatedSession(session, token, noToken, true);
                        }));
  }

  /**
   * Checks, making and recording nothing, what a create of {@code request} needs; returns the
   * templates whose images Berth must build first, and throws {@code PRECONDITION_FAILED} (with
   * what to fix) for any other problem.
   */
  public List<String> imagesToBuild(CreateSessionRequest request) {
    return CreatePreflight.imagesToBuild(CreatePreflight.target(steps, request)).stream()
        .map(PreflightProblem.ImageNotBuilt::template)
        .toList();
  }

  /**
   * Starts a stopped or failed session; a running one is returned as it is. Refused ({@code
   * PRECONDITION_FAILED}, the session left as it was) when its backend cannot give its template's
   * sandbox: see {@link StartPreflight}.
   */
  public Session start(SessionId id) {
    return steps
        .locks()
        .exclusive(
            id,
            () -> {
              Session s = steps.require(id);
              if (s.status() == SessionStatus.RUNNING) {
                return s;
              }
              Template template = steps.templateOf(s);
              SessionRuntime runtime = steps.runtimeOf(s);
              StartPreflight.requireSandbox(s, runtime, steps.runtimeSession(s, template));
              Session wanted =
                  steps.save(s.withLifecycle(s.lifecycle().want(DesiredState.RUNNING)));
              return startedIsUse(lifecycle.start(wanted, template, runtime), "start");
            });
  }

  /**
   * A start someone asked for is use: its idle window begins now, or a session idle for longer than
   * its timeout would be culled at the reconciler's next pass, a moment after it started.
   */
  private Session startedIsUse(Session started, String via) {
    if (started.status() == SessionStatus.RUNNING) {
      steps.activity().record(started.id(), via);
    }
    return started;
  }

  /** Stops a session's processes and keeps its workspace; stopping a stopped one is a no-op. */
  public Session stop(SessionId id) {
    return steps.locks().exclusive(id, () -> lifecycle.stop(steps.require(id), ""));
  }

  /**
   * Moves a session onto its template's current image, keeping its workspace: stops it if it runs,
   * has the runtime drop what belonged to the old image ({@link
   * dev.berth.runtime.RuntimeImages#renew}), and starts it again if it was running (a stopped
   * session stays stopped and gets the new image at its next start). Used by {@code berth update
   * --restart-idle}. {@code UNSUPPORTED} (before anything is stopped) on a backend without {@link
   * Ability#IMAGE_BUILDS}.
   */
  public Session restartOnNewImage(SessionId id) {
    return steps
        .locks()
        .exclusive(
            id,
            () -> {
              Session s = steps.require(id);
              boolean wasRunning =
                  s.status() == SessionStatus.RUNNING || s.status() == SessionStatus.STARTING;
              Template template = steps.templateOf(s);
              SessionRuntime runtime = steps.runtimeOf(s);
              Abilities.require(
                  runtime, Ability.IMAGE_BUILDS, "renew session '" + id + "' on its current image");
              if (s.status() != SessionStatus.STOPPED) {
                s = lifecycle.stop(s, "");
                if (s.status() != SessionStatus.STOPPED) {
                  return s;
                }
              }
              Session renewed = lifecycle.renew(s, template, runtime);
              if (renewed.status() == SessionStatus.FAILED || !wasRunning) {
                return renewed;
              }
              // The stop above recorded that the session should be stopped; it should run again,
              // or the reconciler would stop it a moment after this restart.
              Session wanted =
                  steps.save(renewed.withLifecycle(renewed.lifecycle().want(DesiredState.RUNNING)));
              return startedIsUse(lifecycle.start(wanted, template, runtime), "update");
            });
  }

  /** The image each live session runs, where the backend records one. */
  public Map<SessionId, String> imageIds() {
    return steps.registry().sessions().imageIds();
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
        steps
            .locks()
            .exclusive(
                id,
                () ->
                    deletion.delete(
                        steps
                            .find(id)
                            .orElseThrow(() -> BerthException.notFound("no session '" + id + "'")),
                        ""));
    steps.journal().deleted(receipt, Duration.ofNanos(System.nanoTime() - t0));
    return receipt;
  }

  /**
   * Moves a session to another backend with its workspace (same id, labels and tokens); see {@link
   * SessionMigration}. On failure the session stays on its backend, running again if it was.
   */
  public MigrationResult migrate(SessionId id, String targetBackend) {
    return steps
        .locks()
        .exclusive(id, () -> new SessionMigration(steps, lifecycle, tmpDir).run(id, targetBackend));
  }

  /**
   * Rolls back (or finishes) every migration a manager's death interrupted, each under its
   * session's lock and with an event that says how (see {@link InterruptedMigrations}). The server
   * runs it once at start-up, before the reconciler's first pass; returns the sessions it settled.
   */
  public List<SessionId> recoverInterruptedMigrations() {
    return new InterruptedMigrations(steps, lifecycle).settleAll();
  }

  // ---- lookups --------------------------------------------------------------------------------

  /** A live session; 404 for unknown and deleted ones. */
  public Session get(SessionId id) {
    return steps.require(id);
  }

  /** The session whose runtime resources carry {@code handle} (a runtime event names a handle). */
  public Optional<SessionId> sessionOfHandle(String handle) {
    return steps.registry().sessions().findByHandle(handle).map(Session::id);
  }

  public List<Session> list(SessionFilter filter) {
    return steps.registry().sessions().list(filter);
  }

  /** The trail of the session that holds {@code id} now (deleted or not); 404 if none ever did. */
  public List<SessionEvent> events(SessionId id, long afterId, int limit) {
    steps.find(id).orElseThrow(() -> BerthException.notFound("no session '" + id + "'"));
    return steps.registry().events().of(id, afterId, limit);
  }

  /**
   * Replaces a live session's token with a new one and returns it (see {@link TokenRotation}); 404
   * for an unknown or deleted session, 409 while it is being deleted. {@code by} is who asked, for
   * the trail; callers check that it may.
   */
  public String rotateToken(SessionId id, Principal by) {
    return tokenRotation.rotate(id, by);
  }

  /** Events of all sessions after event id {@code afterId}, oldest first (the event stream). */
  public List<SessionEvent> allEvents(long afterId, int limit) {
    return steps.registry().events().after(afterId, limit);
  }

  /** The last lines of the session's app output (process log, container log). */
  public String logTail(SessionId id, int lines) {
    Session s = steps.require(id);
    return steps.runtimeOf(s).logTail(steps.runtimeSession(s, steps.templateOf(s)), lines);
  }

  /** The session's last use, including uses not yet written to the registry (see below). */
  public SessionActivity lastActivity(Session s) {
    return steps.lastActivity(s);
  }

  /** The template a session was made from, or the built-in one if it was removed since. */
  public Template templateOrBuiltin(Session s) {
    return steps.templateOrBuiltin(s);
  }

  /**
   * Runs {@code work} holding the session's lifecycle lock: the orphan collector takes it around
   * its last check and removal, so a create of the same id cannot interleave with them.
   */
  public <T> T exclusive(SessionId id, Supplier<T> work) {
    return steps.locks().exclusive(id, work);
  }

  // ---- reconciliation ------------------------------------------------------------------------

  /**
   * Runs {@code work} on the session while holding its lifecycle lock, if the session is live and
   * no other operation holds it right now; empty otherwise (the caller tries again later). The
   * reconciler's way in: one session is never reconciled twice at once, nor during a user's create,
   * start, stop or delete.
   */
  public <T> Optional<T> tryRepair(SessionId id, Function<LockedSession, T> work) {
    return steps
        .locks()
        .tryExclusive(
            id,
            () ->
                steps
                    .find(id)
                    .filter(s -> s.status().isLive())
                    .map(s -> work.apply(new SessionRepair(steps, lifecycle, deletion, s))))
        .flatMap(x -> x);
  }

  /**
   * One attempt of a RUNNING session's probe with its health-check timeout, beside file and exec
   * calls (see {@link HealthProbing#probe}).
   */
  public Optional<String> probe(SessionId id) {
    return health.probe(id);
  }

  /**
   * Records that the session was used ({@code via}: {@code api}, {@code mcp}, {@code proxy}, ...)
   * for idle culling. Cheap enough for every request: the registry is written at most once per
   * {@link SessionSteps#ACTIVITY_EVERY} per session, so a busy proxy or tool loop costs one write
   * per interval; the latest use is also kept in memory, so culling sees it at once.
   */
  public void recordActivity(SessionId id, String via) {
    steps.activity().record(id, via);
  }

  /**
   * Records in the session's events what infrastructure beside the service saw of it (the egress
   * proxy: each destination it let through or refused). Subscribers of the event stream see it.
   */
  public void recordEvent(SessionId id, String type, String message, String data) {
    steps.event(id, type, message, data);
  }
}
