package dev.berth.service.steps;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.service.processes.SessionProcesses;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import dev.berth.template.TemplateDefinition;
import dev.berth.template.TemplateSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The small steps every use case is made of: load a session, save it (with its status event),
 * record an event, find its template and runtime, and run a runtime step that marks the session
 * FAILED with the reason when it throws. The use cases (create, delete, migrate, repair, work in
 * the workspace) depend on this class; it depends on none of them, so nothing calls back up.
 */
public final class SessionSteps {
  private static final Logger log = LoggerFactory.getLogger(SessionSteps.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** How often activity of one session is written to the registry at most. */
  public static final Duration ACTIVITY_EVERY = Duration.ofSeconds(5);

  private final Registry registry;
  private final Backends backends;
  private final TemplateSource templates;
  private final Clock clock;
  private final Duration stopGrace;
  private final SessionLocks locks = new SessionLocks();
  private final RunningExecs execs = new RunningExecs();
  private final SessionProcesses processes;
  private final SessionJournal journal;
  private final ActivityTracker activity;

  public SessionSteps(
      Registry registry,
      Backends backends,
      TemplateSource templates,
      Clock clock,
      Duration stopGrace) {
    this.registry = registry;
    this.backends = backends;
    this.templates = templates;
    this.clock = clock;
    this.stopGrace = stopGrace;
    this.journal = new SessionJournal(registry, clock);
    this.activity = new ActivityTracker(registry, clock, ACTIVITY_EVERY);
    this.processes = new SessionProcesses(clock);
  }

  public Registry registry() {
    return registry;
  }

  public Backends backends() {
    return backends;
  }

  /** The templates as of now; a reload swaps them (ask at each use, keep nothing). */
  public TemplateCatalog templates() {
    return templates.current();
  }

  /** Where the templates come from: fixed, or reloaded while Berth runs. */
  public TemplateSource templateSource() {
    return templates;
  }

  public Clock clock() {
    return clock;
  }

  public Instant now() {
    return clock.instant();
  }

  /** How long a stop waits for the session's processes before it kills them. */
  public Duration stopGrace() {
    return stopGrace;
  }

  /** One lock per session: lifecycle changes exclusive, file and exec calls shared. */
  public SessionLocks locks() {
    return locks;
  }

  /**
   * The processes started with handles in each session, which lifecycle operations end with the
   * execs ({@link #endExecs}).
   */
  public SessionProcesses processes() {
    return processes;
  }

  /** The execs running in each session, which lifecycle operations end ({@link #endExecs}). */
  public RunningExecs execs() {
    return execs;
  }

  /**
   * Ends the execs running in the session (killed; each caller is told "exec ended: " + {@code
   * why}) and notes it in the session's events. Lifecycle operations call it under the session's
   * lifecycle lock, before they stop or remove anything: they never wait for an exec.
   */
  public void endExecs(SessionId id, String why) {
    int ended = execs.endAll(id, why);
    if (ended > 0) {
      event(id, "exec", "ended " + ended + " running exec(s): " + why);
    }
    int processesEnded = processes.endAll(id, why);
    if (processesEnded > 0) {
      event(id, "process", "ended " + processesEnded + " running process(es): " + why);
    }
  }

  /**
   * The session's latest use, including uses not yet written to the registry; an exec still running
   * is use right now, so idle culling never ends a command that is working (its max lifetime does).
   */
  public SessionActivity lastActivity(Session s) {
    return execs.count(s.id()) > 0 ? new SessionActivity(now(), "exec") : activity.last(s);
  }

  /** Writes sessions and events, and tells listeners. */
  public SessionJournal journal() {
    return journal;
  }

  public ActivityTracker activity() {
    return activity;
  }

  /** A live session; 404 for unknown and deleted ones. */
  public Session require(SessionId id) {
    return registry
        .sessions()
        .find(id)
        .filter(s -> s.status().isLive())
        .orElseThrow(() -> BerthException.notFound("no session '" + id + "'"));
  }

  /** The session in any status, deleted ones included. */
  public Optional<Session> find(SessionId id) {
    return registry.sessions().find(id);
  }

  /** The session's template; 404 when it was removed since. */
  public Template templateOf(Session s) {
    return templates.current().get(s.template());
  }

  /** The template a session was made from, or the built-in one if it was removed since. */
  public Template templateOrBuiltin(Session s) {
    return templates.current().find(s.template()).orElseGet(Template::builtinDefault);
  }

  public SessionRuntime runtimeOf(Session s) {
    return backends.get(s.backend());
  }

  /** What the runtime is told about the session on every call. */
  public RuntimeSession runtimeSession(Session s, Template template) {
    // forRuntime: the app learns its public base path behind the proxy (BERTH_BASE_PATH...),
    // unless it started as a warm-pool member, before the session existed.
    // The session's handle (the registry keeps it): what its resources are named from.
    return new RuntimeSession(
        s.id(), s.handle(), template.forRuntime(s.id(), s.handle()), s.labels(), s.runtimeState());
  }

  /**
   * Records the definition the runtime just made or started the session from (see {@link
   * TemplateDefinition}), for {@code berth session show}'s "outdated".
   */
  public void recordDefinition(RuntimeSession rs) {
    registry.sessions().setDefinition(rs.id(), TemplateDefinition.fingerprint(rs.template()));
  }

  /** Saves the session; a status change writes its status event. */
  public Session save(Session s) {
    return journal.save(s);
  }

  public void event(SessionId id, String type, String message) {
    event(id, type, message, "");
  }

  public void event(SessionId id, String type, String message, String data) {
    journal.event(id, type, message, data);
  }

  /** Runs {@code step}; on failure marks the session FAILED with the reason and returns that. */
  public Session runStep(Session s, String step, Supplier<Session> work) {
    try {
      return save(work.get());
    } catch (RuntimeException e) {
      log.warn("{} of session {} failed", step, s.id(), e);
      String reason = step + " failed: " + message(e);
      event(s.id(), "error", reason);
      Session latest = registry.sessions().find(s.id()).orElse(s);
      return save(latest.withStatus(SessionStatus.FAILED, reason, clock.instant()));
    }
  }

  /** 403 unless the template lets its sessions live on {@code backend} (its allowedBackends). */
  public static void requireAllowed(Template template, String backend) {
    if (!template.allowsBackend(backend)) {
      throw new BerthException(
          ErrorCode.FORBIDDEN,
          "template '"
              + template.name()
              + "' allows its sessions only on "
              + String.join(", ", template.placement().allowedBackends())
              + "; backend '"
              + backend
              + "' is not one of them (choose one of those, or add it to the template's"
              + " allowedBackends)");
    }
  }

  /** The user's message of a Berth error; the whole exception for anything else. */
  public static String message(RuntimeException e) {
    return e instanceof BerthException ? e.getMessage() : e.toString();
  }

  public static String json(Object value) {
    return JSON.writeValueAsString(value);
  }
}
