package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.OwnerOnly;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.LogSink;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.RuntimeStates;
import dev.berth.template.SessionContainer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A template's extra containers ({@code containers:}) on the local backend: each one is a process
 * tree of its own (started in a session of its own, like the app), in the session's workspace (or
 * its {@code subPath}), with its output in {@code containers/<type>.log} beside {@code app.log}.
 *
 * <p>State, per type: {@code container.<type>} (its name, once it was started: until then it is
 * missing, as a container not made yet), {@code pid.<type>} and {@code pidStart.<type>} while it
 * runs, {@code stopped.<type>} while it is stopped on request (so its end is no crash).
 *
 * <p>Every process of a container carries {@value #PROCESS_MARKER}{@code
 * =<instance>/<handle>/<type>} in its environment (execs in it do not): a stop or a new start finds
 * one whose pid was never recorded (a manager that died mid-start) and ends it, so a container
 * never runs twice. Addresses: see {@link LocalAddresses}.
 */
final class LocalContainers {
  private static final Logger LOG = LoggerFactory.getLogger(LocalContainers.class);
  static final String PROCESS_MARKER = "BERTH_LOCAL_CONTAINER";

  /** Without a command, a container to exec in: what Berth's default image runs on Docker too. */
  static final List<String> KEEP_ALIVE = List.of("sleep", "infinity");

  private final LocalRuntime runtime;
  private final String instance;
  // The processes this Berth process started, for their exit codes (shared with the app's).
  private final Map<Long, Process> children;

  LocalContainers(LocalRuntime runtime, String instance, Map<Long, Process> children) {
    this.runtime = runtime;
    this.instance = instance;
    this.children = children;
  }

  static String name(RuntimeSession s, String type) {
    return type + "-" + s.template().name() + "-" + s.handle();
  }

  private static String key(String what, String type) {
    return what + "." + type;
  }

  /** The template's container of {@code type}, or NOT_FOUND naming the ones there are. */
  static SessionContainer declared(RuntimeSession s, String type) {
    return s.template()
        .containers()
        .get(type)
        .orElseThrow(
            () ->
                BerthException.notFound(
                    "session '"
                        + s.id()
                        + "' has no container '"
                        + type
                        + "'; its containers: "
                        + SessionContainer.MAIN
                        + (s.template().containers().isEmpty()
                            ? ""
                            : ", " + String.join(", ", s.template().containers().types()))));
  }

  private String marker(RuntimeSession s, String type) {
    return instance + "/" + s.handle() + "/" + type;
  }

  /**
   * The container's own folder of the workspace: all of it, or its {@code subPath} (made when
   * missing), confined like every other local path (a link cannot lead it out).
   */
  ConfinedRoot root(RuntimeSession s, SessionContainer c) {
    ConfinedRoot workspace = runtime.root(s);
    if (c.subPath().isEmpty()) {
      return workspace;
    }
    Path dir = workspace.follow(dev.berth.runtime.WorkspacePath.parse(c.subPath()));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "cannot make the folder '" + c.subPath() + "' of container '" + c.type() + "': " + e,
          e);
    }
    ConfinedRoot inner = new ConfinedRoot(dir);
    if (!inner.root().startsWith(workspace.root())) {
      throw BerthException.badRequest(
          "the subPath '"
              + c.subPath()
              + "' of container '"
              + c.type()
              + "' leads out of the"
              + " workspace");
    }
    return inner;
  }

  /**
   * What the container's processes and execs see: the manager's environment (as the app), then its
   * own {@code env} (not the template's), then Berth's variables and the session's addresses.
   */
  Map<String, String> env(RuntimeSession s, SessionContainer c) {
    Path cwd = runtime.workspaceDir(s).resolve(c.subPath());
    Map<String, String> env = new HashMap<>(c.env());
    Map<String, String> own = runtime.baseEnv(s);
    env.putAll(LocalAddresses.of(s));
    for (String k : List.of("BERTH_SESSION_ID", LocalRuntime.MARKER)) {
      env.put(k, own.get(k));
    }
    env.put("BERTH_WORKSPACE", cwd.toString());
    env.put("HOME", cwd.toString());
    env.put("BERTH_CONTAINER", c.type());
    return env;
  }

  /** The live process of {@code type} as recorded, if it is still the one Berth started. */
  Optional<ProcessHandle> process(RuntimeSession s, String type) {
    String pid = s.state().get(key("pid", type));
    if (pid == null) {
      return Optional.empty();
    }
    String started = s.state().getOrDefault(key("pidStart", type), "");
    return LocalProcesses.find(
        Long.parseLong(pid),
        started.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(started)));
  }

  /**
   * Starts every {@code auto} container that does not run, in start order. The first one that
   * cannot start fails it with its type and name, and the ones this call started are ended again
   * before the error goes up (the caller's state never learns their pids).
   */
  RuntimeState startAuto(RuntimeSession s) {
    RuntimeState state = s.state();
    List<String> startedHere = new ArrayList<>();
    try {
      for (SessionContainer c : s.template().containers().auto()) {
        boolean ran = process(s.withState(state), c.type()).isPresent();
        state = start(s.withState(state), c);
        if (!ran) {
          startedHere.add(c.type());
        }
      }
      return state;
    } catch (RuntimeException e) {
      for (String type : startedHere.reversed()) {
        end(s.withState(state), type, Duration.ofSeconds(5));
      }
      throw e;
    }
  }

  /** Starts one container; a running one is left as it is. */
  RuntimeState start(RuntimeSession s, SessionContainer c) {
    RuntimeState state = s.state().with(key("container", c.type()), name(s, c.type()));
    if (process(s, c.type()).isPresent()) {
      return state.with(key("stopped", c.type()), null);
    }
    endLeftovers(s, c.type(), Duration.ofSeconds(5));
    String name = name(s, c.type());
    Process process;
    try {
      Path cwd = root(s, c).root();
      LocalAddresses.requireFree(s, c);
      Path logs = runtime.sessionDir(s).resolve("containers");
      OwnerOnly.directory(logs);
      Map<String, String> env = env(s, c);
      env.put(PROCESS_MARKER, marker(s, c.type()));
      List<String> argv = c.command().isEmpty() ? KEEP_ALIVE : c.command();
      process = LocalProcesses.startApp(argv, cwd, env, logs.resolve(c.type() + ".log"));
    } catch (RuntimeException e) {
      throw new BerthException(
          e instanceof BerthException b ? b.code() : ErrorCode.RUNTIME_FAILURE,
          "container '"
              + c.type()
              + "' ("
              + name
              + ") of session '"
              + s.id()
              + "' did not start: "
              + e.getMessage(),
          e);
    }
    forget(s, c.type());
    children.put(process.pid(), process);
    LOG.info("session {}: started container {} (pid {})", s.id(), c.type(), process.pid());
    String startedAt = process.toHandle().info().startInstant().map(Instant::toString).orElse("");
    return state
        .with(key("pid", c.type()), Long.toString(process.pid()))
        .with(key("pidStart", c.type()), startedAt)
        .with(key("stopped", c.type()), null);
  }

  /** Stops one container on request: its end is then no crash, until it is started again. */
  RuntimeState stop(RuntimeSession s, String type, Duration grace) {
    return end(s, type, grace).with(key("stopped", type), "true");
  }

  /** Ends one container's process tree, and any leftover of it; keeps that it was made. */
  private RuntimeState end(RuntimeSession s, String type, Duration grace) {
    process(s, type).ifPresent(h -> LocalProcesses.killTree(h, grace));
    endLeftovers(s, type, grace);
    forget(s, type);
    return s.state().with(key("pid", type), null).with(key("pidStart", type), null);
  }

  /** Stops every container, the last started first (they may talk to the ones before them). */
  RuntimeState stopAll(RuntimeSession s, Duration grace) {
    RuntimeState state = s.state();
    for (SessionContainer c : s.template().containers().inStartOrder().reversed()) {
      state = end(s.withState(state), c.type(), grace);
    }
    return state;
  }

  private void endLeftovers(RuntimeSession s, String type, Duration grace) {
    for (ProcessHandle p : LocalProcesses.findByEnvironment(PROCESS_MARKER, marker(s, type))) {
      if (p.isAlive()) {
        LOG.info("session {}: ending a leftover process {} of container {}", s.id(), p.pid(), type);
        LocalProcesses.killTree(p, grace);
      }
    }
  }

  private void forget(RuntimeSession s, String type) {
    Optional.ofNullable(s.state().get(key("pid", type)))
        .ifPresent(pid -> children.remove(Long.parseLong(pid)));
  }

  /**
   * The main container ({@value SessionContainer#MAIN}): the app, as {@link LocalRuntime#inspect}
   * sees it.
   */
  static ContainerStatus main(RuntimeSession s, ObservedState observed) {
    String name = name(s, SessionContainer.MAIN);
    return switch (observed) {
      case ObservedState.Running r ->
          new ContainerStatus(
              SessionContainer.MAIN,
              name,
              ContainerStatus.Phase.RUNNING,
              OptionalInt.empty(),
              "running",
              r.endpoints(),
              r.probeAddresses());
      case ObservedState.Exited e ->
          new ContainerStatus(
              SessionContainer.MAIN,
              name,
              ContainerStatus.Phase.EXITED,
              e.exitCode(),
              e.exitCode().isPresent() ? "exited with code " + e.exitCode().getAsInt() : e.detail(),
              Map.of(),
              Map.of());
      case ObservedState.Missing m -> idle(name, ContainerStatus.Phase.MISSING, m.detail());
      case ObservedState.Unknown u -> idle(name, ContainerStatus.Phase.MISSING, u.error());
      case ObservedState.Prepared p -> idle(name, ContainerStatus.Phase.STOPPED, "stopped");
      case ObservedState.Pending p -> idle(name, ContainerStatus.Phase.STOPPED, p.detail());
    };
  }

  private static ContainerStatus idle(String name, ContainerStatus.Phase phase, String detail) {
    return new ContainerStatus(
        SessionContainer.MAIN, name, phase, OptionalInt.empty(), detail, Map.of(), Map.of());
  }

  /** Every extra container and what it does now, in start order. */
  List<ContainerStatus> statuses(RuntimeSession s, boolean workspaceThere) {
    List<ContainerStatus> out = new ArrayList<>();
    for (SessionContainer c : s.template().containers().inStartOrder()) {
      out.add(status(s, c, workspaceThere));
    }
    return out;
  }

  private ContainerStatus status(RuntimeSession s, SessionContainer c, boolean workspaceThere) {
    String type = c.type();
    String name = name(s, type);
    if (!workspaceThere || s.state().get(key("container", type)) == null) {
      return new ContainerStatus(
          type,
          name,
          ContainerStatus.Phase.MISSING,
          OptionalInt.empty(),
          workspaceThere ? "not started yet" : "not made (the session has no workspace)",
          Map.of(),
          Map.of());
    }
    Optional<ProcessHandle> live = process(s, type);
    if (live.isPresent()) {
      Map<Integer, URI> addresses = new TreeMap<>();
      for (int port : c.ports()) {
        addresses.put(port, URI.create("http://127.0.0.1:" + port + "/"));
      }
      return new ContainerStatus(
          type,
          name,
          ContainerStatus.Phase.RUNNING,
          OptionalInt.empty(),
          "running (pid " + live.get().pid() + ")",
          addresses,
          addresses);
    }
    boolean stoppedOnPurpose =
        !RuntimeStates.started(s.state()) || s.state().get(key("stopped", type)) != null;
    String pid = s.state().get(key("pid", type));
    if (stoppedOnPurpose || pid == null) {
      return new ContainerStatus(
          type,
          name,
          ContainerStatus.Phase.STOPPED,
          OptionalInt.empty(),
          "stopped",
          Map.of(),
          Map.of());
    }
    Process known = children.get(Long.parseLong(pid));
    OptionalInt code = LocalProcesses.exitCode(known);
    String detail =
        code.isPresent()
            ? "exited with code " + code.getAsInt()
            : "has ended (process "
                + pid
                + ", started before Berth restarted: its code is unknown)";
    return new ContainerStatus(
        type, name, ContainerStatus.Phase.EXITED, code, detail, Map.of(), Map.of());
  }

  /** The last {@code lines} lines of one container's output. */
  String logTail(RuntimeSession s, String type, int lines) {
    return LocalSessionDirs.tail(logFile(s, type), lines);
  }

  /** One container's output, followed until it is closed or the container's process is gone. */
  LogFileFollower followLog(RuntimeSession s, String type, int lines, LogSink sink) {
    return LogFileFollower.start(
        logFile(s, type),
        lines,
        () -> process(s, type).isPresent(),
        "container '" + type + "' is not running",
        sink);
  }

  private Path logFile(RuntimeSession s, String type) {
    return runtime.sessionDir(s).resolve("containers").resolve(type + ".log");
  }
}
