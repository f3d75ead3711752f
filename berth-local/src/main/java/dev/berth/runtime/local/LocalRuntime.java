package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.OwnerOnly;
import dev.berth.runtime.Ability;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.LogSink;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.OwnerLabels;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.RuntimeStates;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StartResult;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.template.SessionContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions as plain local processes: a directory per session under the data directory (the
 * workspace plus Berth's own files beside it) and, when the template has a command, one app process
 * tree started in the workspace. No isolation beyond file-path confinement: for trusted code and
 * development machines.
 *
 * <p>Layout: {@code <sessionsDir>/<handle>/workspace/} (the workspace), {@code app.log} (the app's
 * output) and {@code owner.properties} (the {@link OwnerLabels} a container backend would carry, so
 * orphans can be found after a registry is lost).
 */
public final class LocalRuntime implements SessionRuntime {
  static final int STATE_VERSION = 1;
  private static final String OWNER_FILE = "owner.properties";
  static final String MARKER = "BERTH_LOCAL_SESSION";

  private final Path sessionsDir;
  private final String instance;
  private final boolean sessionTokens;
  // Exit codes of apps this process started; after a restart only liveness can be known.
  private final Map<Long, Process> children = new ConcurrentHashMap<>();
  private final LocalContainers containers;
  private final LocalSessionProcesses sessionProcesses = new LocalSessionProcesses();

  /** A local runtime whose sessions get session tokens (tests; the provider asks the config). */
  public LocalRuntime(Path sessionsDir, String instance) {
    this(sessionsDir, instance, true);
  }

  /**
   * @param sessionTokens whether the installation opted in to session tokens for local sessions
   *     ({@code localSessionTokens}), knowing that they do not isolate here
   */
  public LocalRuntime(Path sessionsDir, String instance, boolean sessionTokens) {
    this.sessionsDir = sessionsDir.toAbsolutePath().normalize();
    this.instance = instance;
    this.sessionTokens = sessionTokens;
    this.containers = new LocalContainers(this, instance, children);
    LocalSessionDirs.restrictExisting(this.sessionsDir);
  }

  /**
   * A local session's exec is a shell as Berth's own user, which reads {@code admin.token}: a
   * session token would be the admin token one step removed.
   */
  @Override
  public Optional<String> sessionTokenRefusal() {
    return sessionTokens
        ? Optional.empty()
        : Optional.of(
            "session tokens do not work for sessions on the local backend: a local session runs"
                + " commands as Berth's own user, who can read the admin token. Use the admin"
                + " token, run the session on Docker or Kubernetes, or let this installation's"
                + " local sessions have session tokens anyway with localSessionTokens: true"
                + " (backends: {local: {sessionTokens: true}} in berth.yaml)");
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public Set<Ability> abilities() {
    return EnumSet.of(
        Ability.APP_PROCESSES,
        Ability.PUBLISHED_PORTS,
        Ability.EXEC_STDIN,
        Ability.CONTAINERS,
        Ability.PROCESSES,
        Ability.TTY,
        Ability.LOG_FOLLOW);
  }

  Path sessionDir(RuntimeSession s) {
    RuntimeStates.requireUnderstood(s, "local", STATE_VERSION);
    String recorded = s.state().get("dir");
    return recorded != null ? Path.of(recorded) : sessionsDir.resolve(s.handle());
  }

  Path workspaceDir(RuntimeSession s) {
    return sessionDir(s).resolve("workspace");
  }

  ConfinedRoot root(RuntimeSession s) {
    Path ws = workspaceDir(s);
    if (!Files.isDirectory(ws)) {
      throw new BerthException(
          ErrorCode.CONFLICT, "session '" + s.id() + "' has no workspace (was it removed?)");
    }
    return new ConfinedRoot(ws);
  }

  /**
   * Whether the template asks for a sandbox (none here: {@link LocalSandbox}) and whether the app's
   * command exists on this host ({@link LocalCommands}), and what its extra containers need ({@link
   * LocalContainerChecks}: no image of their own, no read-only mount). The template's own image is
   * not used: the app runs on the host.
   */
  @Override
  public List<PreflightProblem> preflight(RuntimeSession s) {
    List<PreflightProblem> problems =
        new ArrayList<>(LocalSandbox.problem(s.template()).stream().toList());
    problems.addAll(LocalEgress.preflight(s.template()));
    problems.addAll(LocalCommands.preflight(s.template(), System.getenv("PATH")));
    problems.addAll(LocalContainerChecks.preflight(s.template(), System.getenv("PATH")));
    return problems;
  }

  @Override
  public RuntimeState prepare(RuntimeSession s) {
    Path dir = sessionDir(s);
    Path ws = dir.resolve("workspace");
    try {
      OwnerOnly.directory(sessionsDir);
      OwnerOnly.directory(dir);
      OwnerOnly.directory(ws);
      var owner = new java.util.Properties();
      OwnerLabels.of(s, "workspace", instance).forEach(owner::setProperty);
      owner.setProperty("created", Instant.now().toString());
      if (!Files.exists(dir.resolve(OWNER_FILE))) {
        try (var out = Files.newOutputStream(dir.resolve(OWNER_FILE))) {
          owner.store(out, "Berth session; removed with the session");
        }
      }
      if (s.template().workspace().skeleton().isPresent()) {
        LocalArchives.seed(s.template().workspace().skeleton().get(), ws);
      }
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot prepare workspace " + ws + ": " + e.getMessage(), e);
    }
    return s.state().withVersion(STATE_VERSION).with("dir", dir.toString());
  }

  @Override
  public StartResult start(RuntimeSession s) {
    LocalEgress.requireEnforceable(s.template());
    LocalSandbox.require(s.template()); // never run a sandboxed template unsandboxed
    // nor a container on the host that asked for an image of its own, or a read-only one writable
    LocalContainerChecks.require(s.template());
    if (!Files.isDirectory(workspaceDir(s))) {
      throw new BerthException(
          ErrorCode.CONFLICT, "session '" + s.id() + "' has no workspace; it cannot start");
    }
    sessionProcesses.sessionStarted(s.handle());
    if (inspect(s) instanceof ObservedState.Running running) {
      // the auto containers that ended or were stopped on request start again, as on Docker
      return StartResult.of(containers.startAuto(s), running.endpoints());
    }
    RuntimeState started = launch(s);
    try {
      // then the template's other containers, in their order (see LocalContainers)
      started = containers.startAuto(s.withState(started));
    } catch (RuntimeException e) {
      // The caller never learns the app's pid from a start that throws: end it here.
      app(s.withState(started)).ifPresent(h -> LocalProcesses.killTree(h, Duration.ofSeconds(5)));
      throw e;
    }
    return StartResult.of(started, LocalAddresses.appEndpoints(s.withState(started)));
  }

  private RuntimeState launch(RuntimeSession s) {
    RuntimeState state = RuntimeStates.markStarted(s.state());
    if (!s.template().hasApp()) {
      return state;
    }
    Map<String, String> env = new HashMap<>(baseEnv(s));
    for (int port : s.template().app().ports()) {
      int hostPort = LocalAddresses.freePort();
      state = state.with("port." + port, Integer.toString(hostPort));
      env.put("BERTH_PORT_" + port, Integer.toString(hostPort));
    }
    s.template().primaryPort().ifPresent(p -> env.put("PORT", env.get("BERTH_PORT_" + p)));
    Process process =
        LocalProcesses.startApp(
            s.template().app().command(), workspaceDir(s), env, sessionDir(s).resolve("app.log"));
    children.put(process.pid(), process);
    String startedAt = process.toHandle().info().startInstant().map(Instant::toString).orElse("");
    return state.with("pid", Long.toString(process.pid())).with("pidStart", startedAt);
  }

  /** The app's and its execs' environment: the template's env, Berth's variables, addresses. */
  Map<String, String> baseEnv(RuntimeSession s) {
    Map<String, String> env = new HashMap<>(s.template().container().env());
    env.putAll(LocalAddresses.of(s));
    env.put("BERTH_SESSION_ID", s.id().value());
    env.put(MARKER, marker(s));
    env.put("BERTH_WORKSPACE", workspaceDir(s).toString());
    env.put("HOME", workspaceDir(s).toString());
    return env;
  }

  /** The environment marker of this session's processes: instance and handle. */
  private String marker(RuntimeSession s) {
    return instance + "/" + s.handle();
  }

  private Optional<ProcessHandle> app(RuntimeSession s) {
    String pid = s.state().get("pid");
    if (pid == null) {
      return Optional.empty();
    }
    String started = s.state().getOrDefault("pidStart", "");
    return LocalProcesses.find(
        Long.parseLong(pid),
        started.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(started)));
  }

  @Override
  public RuntimeState stop(RuntimeSession s, Duration grace) {
    sessionProcesses.endAll(s.handle());
    if (!s.template().containers().isEmpty() && Files.isDirectory(workspaceDir(s))) {
      s = s.withState(containers.stopAll(s, grace)); // before the app, which they may talk to
    }
    app(s).ifPresent(h -> LocalProcesses.killTree(h, grace));
    String pid = s.state().get("pid");
    if (pid != null) {
      children.remove(Long.parseLong(pid));
    }
    return RuntimeStates.markStopped(s.state().with("pid", null).with("pidStart", null));
  }

  @Override
  public CleanupReport destroy(RuntimeSession s) {
    var report = new CleanupReport.Builder();
    sessionProcesses.endAll(s.handle());
    // The recorded app, and any other process carrying the session's marker (execs still
    // running, an app whose pid was not recorded because the manager died mid-start).
    List<ProcessHandle> processes = new ArrayList<>();
    app(s).ifPresent(processes::add);
    for (ProcessHandle p : LocalProcesses.findByEnvironment(MARKER, marker(s))) {
      if (processes.stream().noneMatch(known -> known.pid() == p.pid())) {
        processes.add(p);
      }
    }
    for (ProcessHandle p : processes) {
      if (!p.isAlive()) {
        continue; // ended with its group leader a moment ago
      }
      try {
        LocalProcesses.killTree(p, Duration.ofSeconds(5));
        report.removed("process", Long.toString(p.pid()));
      } catch (RuntimeException e) {
        report.failed("process", Long.toString(p.pid()), e.toString());
      }
    }
    Path dir;
    try {
      dir = sessionDir(s);
    } catch (RuntimeException newerState) {
      dir = sessionsDir.resolve(s.handle()); // still remove what the handle's name points at
    }
    if (Files.exists(dir)) {
      try {
        LocalFiles.deleteTree(dir);
        report.removed("directory", dir.toString());
      } catch (IOException e) {
        report.failed("directory", dir.toString(), e.toString());
      }
    }
    sessionProcesses.sessionGone(s.handle());
    return report.build();
  }

  @Override
  public ObservedState inspect(RuntimeSession s) {
    Path workspace;
    try {
      workspace = workspaceDir(s);
    } catch (RuntimeException e) {
      return new ObservedState.Unknown(e.getMessage());
    }
    if (!Files.isDirectory(workspace)) {
      return new ObservedState.Missing("no directory " + workspace);
    }
    if (RuntimeStates.started(s.state())) {
      if (!s.template().hasApp()) {
        return ObservedState.Running.direct(Map.of());
      }
      if (app(s).isPresent()) {
        return ObservedState.Running.direct(LocalAddresses.appEndpoints(s));
      }
    }
    return RuntimeStates.notRunning(
        s.state(),
        () -> {
          String pid = s.state().get("pid");
          Process known = pid == null ? null : children.get(Long.parseLong(pid));
          OptionalInt code = LocalProcesses.exitCode(known);
          // On its own when this Berth process started it and saw it end: Berth signals an app
          // only in stop, which records the session stopped (never Exited). A process found dead
          // after Berth restarted may have died in a host shutdown: not known.
          return new ObservedState.Exited(
              code,
              "process "
                  + pid
                  + " has ended"
                  + (known == null
                      ? " (it was started before Berth restarted, so how it ended is not known)"
                      : ""),
              known != null && code.isPresent());
        });
  }

  @Override
  public String logTail(RuntimeSession s, int lines) {
    return LocalSessionDirs.tail(sessionDir(s).resolve("app.log"), lines);
  }

  /** The app's log file, followed until it is closed or the app's process is gone. */
  @Override
  public AutoCloseable followLog(RuntimeSession s, String type, int lines, LogSink sink) {
    if (!SessionContainer.MAIN.equals(type)) {
      LocalContainers.declared(s, type);
      return containers.followLog(s, type, lines, sink);
    }
    return LogFileFollower.start(
        sessionDir(s).resolve("app.log"),
        lines,
        () -> inspect(s) instanceof ObservedState.Running,
        "the session's app is not running",
        sink);
  }

  @Override
  public List<OwnedResource> listOwned() {
    return LocalSessionDirs.listOwned(sessionsDir, OWNER_FILE, instance);
  }

  @Override
  public WorkspaceAccess workspace(RuntimeSession s) {
    return new LocalWorkspace(
        () -> root(s),
        baseEnv(s),
        (spec, cwd, env, sink) ->
            sessionProcesses.start(
                s.handle(),
                () -> inspect(s) instanceof ObservedState.Running,
                spec,
                cwd,
                env,
                sink));
  }

  @Override
  public List<ContainerStatus> containers(RuntimeSession s) {
    boolean there;
    try {
      there = Files.isDirectory(workspaceDir(s));
    } catch (RuntimeException newerState) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, newerState.getMessage(), newerState);
    }
    List<ContainerStatus> out = new ArrayList<>();
    out.add(LocalContainers.main(s, inspect(s)));
    out.addAll(containers.statuses(s, there));
    return out;
  }

  @Override
  public RuntimeState startContainer(RuntimeSession s, String type) {
    SessionContainer c = LocalContainers.declared(s, type);
    if (!(inspect(s) instanceof ObservedState.Running)) {
      throw BerthException.conflict(
          "session '" + s.id() + "' is not running; start it before its container '" + type + "'");
    }
    LocalContainerChecks.require(s.template());
    return containers.start(s, c);
  }

  @Override
  public RuntimeState stopContainer(RuntimeSession s, String type, Duration grace) {
    LocalContainers.declared(s, type);
    return containers.stop(s, type, grace);
  }

  @Override
  public String logTail(RuntimeSession s, String type, int lines) {
    if (SessionContainer.MAIN.equals(type)) {
      return logTail(s, lines);
    }
    LocalContainers.declared(s, type);
    return containers.logTail(s, type, lines);
  }

  /** Exec and files in one container: its folder of the workspace, its environment. */
  @Override
  public WorkspaceAccess workspace(RuntimeSession s, String type) {
    if (SessionContainer.MAIN.equals(type)) {
      return workspace(s);
    }
    SessionContainer c = LocalContainers.declared(s, type);
    return new LocalWorkspace(
        () -> containers.root(s, c),
        containers.env(s, c),
        (spec, cwd, env, sink) ->
            sessionProcesses.start(
                s.handle(),
                () -> inspect(s) instanceof ObservedState.Running,
                spec,
                cwd,
                env,
                sink));
  }
}
