package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.OwnerOnly;
import dev.berth.runtime.Ability;
import dev.berth.runtime.CleanupReport;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

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
  private static final String MARKER = "BERTH_LOCAL_SESSION";

  private final Path sessionsDir;
  private final String instance;
  private final boolean sessionTokens;
  // Exit codes of apps this process started; after a restart only liveness can be known.
  private final Map<Long, Process> children = new ConcurrentHashMap<>();
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
    restrictExisting(this.sessionsDir);
  }

  /**
   * Sessions' directories are their owner's only (0700: the workspace may hold anything, the app's
   * log too); an older Berth made them 0755, which this corrects at start-up.
   */
  private static void restrictExisting(Path sessionsDir) {
    if (!Files.isDirectory(sessionsDir)) {
      return; // made 0700 with the first session
    }
    OwnerOnly.existing(sessionsDir);
    try (Stream<Path> dirs = Files.list(sessionsDir)) {
      dirs.filter(Files::isDirectory)
          .forEach(
              dir -> {
                OwnerOnly.existing(dir);
                OwnerOnly.existing(dir.resolve("workspace"));
              });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + sessionsDir, e);
    }
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
        Ability.PROCESSES,
        Ability.TTY);
  }

  private Path sessionDir(RuntimeSession s) {
    RuntimeStates.requireUnderstood(s, "local", STATE_VERSION);
    String recorded = s.state().get("dir");
    return recorded != null ? Path.of(recorded) : sessionsDir.resolve(s.handle());
  }

  private Path workspaceDir(RuntimeSession s) {
    return sessionDir(s).resolve("workspace");
  }

  private ConfinedRoot root(RuntimeSession s) {
    Path ws = workspaceDir(s);
    if (!Files.isDirectory(ws)) {
      throw new BerthException(
          ErrorCode.CONFLICT, "session '" + s.id() + "' has no workspace (was it removed?)");
    }
    return new ConfinedRoot(ws);
  }

  /**
   * Whether the template asks for a sandbox (none here: {@link LocalSandbox}) and whether the app's
   * command exists on this host ({@link LocalCommands}). No image.
   */
  @Override
  public List<PreflightProblem> preflight(RuntimeSession s) {
    List<PreflightProblem> problems =
        new ArrayList<>(LocalSandbox.problem(s.template()).stream().toList());
    problems.addAll(LocalEgress.preflight(s.template()));
    problems.addAll(LocalCommands.preflight(s.template(), System.getenv("PATH")));
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
    if (!Files.isDirectory(workspaceDir(s))) {
      throw new BerthException(
          ErrorCode.CONFLICT, "session '" + s.id() + "' has no workspace; it cannot start");
    }
    sessionProcesses.sessionStarted(s.handle());
    if (inspect(s) instanceof ObservedState.Running running) {
      return StartResult.of(s.state(), running.endpoints());
    }
    RuntimeState started = launch(s);
    return StartResult.of(started, endpoints(s.withState(started)));
  }

  private RuntimeState launch(RuntimeSession s) {
    RuntimeState state = RuntimeStates.markStarted(s.state());
    if (!s.template().hasApp()) {
      return state;
    }
    Map<String, String> env = new HashMap<>(baseEnv(s));
    for (int port : s.template().app().ports()) {
      int hostPort = freePort();
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

  private Map<String, String> baseEnv(RuntimeSession s) {
    Map<String, String> env = new HashMap<>(s.template().container().env());
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

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
        return ObservedState.Running.direct(endpoints(s));
      }
    }
    return RuntimeStates.notRunning(
        s.state(),
        () -> {
          String pid = s.state().get("pid");
          Process known = pid == null ? null : children.get(Long.parseLong(pid));
          OptionalInt code = exitCode(known);
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

  /** The exit code of a child we started; the JVM's reaper may need a moment to record it. */
  private static OptionalInt exitCode(Process known) {
    if (known == null) {
      return OptionalInt.empty(); // started by an earlier Berth process: only liveness is known
    }
    try {
      return known.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)
          ? OptionalInt.of(known.exitValue())
          : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  /** The host ports the app was given at its start, as recorded in the state. */
  private static Map<Integer, URI> endpoints(RuntimeSession s) {
    Map<Integer, URI> out = new TreeMap<>();
    for (int port : s.template().app().ports()) {
      Optional.ofNullable(s.state().get("port." + port))
          .ifPresent(p -> out.put(port, URI.create("http://127.0.0.1:" + p + "/")));
    }
    return out;
  }

  @Override
  public String logTail(RuntimeSession s, int lines) {
    Path log = sessionDir(s).resolve("app.log");
    if (!Files.isRegularFile(log)) {
      return "";
    }
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public List<OwnedResource> listOwned() {
    List<OwnedResource> out = new ArrayList<>();
    if (!Files.isDirectory(sessionsDir)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(sessionsDir)) {
      for (Path dir : dirs.toList()) {
        Path ownerFile = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(ownerFile)) {
          continue;
        }
        var owner = new java.util.Properties();
        try (var in = Files.newInputStream(ownerFile)) {
          owner.load(in);
        }
        if (!instance.equals(owner.getProperty(OwnerLabels.INSTANCE))) {
          continue;
        }
        String created = owner.getProperty("created");
        out.add(
            new OwnedResource(
                "directory",
                dir.toString(),
                owner.getProperty(OwnerLabels.SESSION),
                owner.getProperty(OwnerLabels.TEMPLATE),
                instance,
                created == null ? Optional.empty() : Optional.of(Instant.parse(created))));
      }
    } catch (IOException e) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "cannot list " + sessionsDir, e);
    }
    return out;
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
}
