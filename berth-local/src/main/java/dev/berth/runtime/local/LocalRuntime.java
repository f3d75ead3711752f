package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspacePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Sessions as plain local processes: a directory per session under the data directory (the
 * workspace plus Berth's own files beside it) and, when the template has a command, one app process
 * tree started in the workspace. No isolation beyond file-path confinement: for trusted code and
 * development machines.
 *
 * <p>Layout: {@code <sessionsDir>/<id>/workspace/} (the workspace), {@code app.log} (the app's
 * output) and {@code owner.properties} (the labels a container backend would carry, so orphans can
 * be found after a registry is lost).
 */
public final class LocalRuntime implements SessionRuntime {
  static final int STATE_VERSION = 1;
  private static final String OWNER_FILE = "owner.properties";
  private static final String MARKER = "BERTH_LOCAL_SESSION";

  private final Path sessionsDir;
  private final String instance;
  // Exit codes of apps this process started; after a restart only liveness can be known.
  private final Map<Long, Process> children = new ConcurrentHashMap<>();

  public LocalRuntime(Path sessionsDir, String instance) {
    this.sessionsDir = sessionsDir.toAbsolutePath().normalize();
    this.instance = instance;
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, true, false, false, false, true);
  }

  private Path sessionDir(RuntimeSession s) {
    String recorded = s.state().get("dir");
    return recorded != null ? Path.of(recorded) : sessionsDir.resolve(s.id().value());
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

  @Override
  public RuntimeState prepare(RuntimeSession s) {
    Path dir = sessionDir(s);
    Path ws = dir.resolve("workspace");
    try {
      Files.createDirectories(ws);
      var owner = new java.util.Properties();
      owner.setProperty("berth.session", s.id().value());
      owner.setProperty("berth.template", s.template().name());
      owner.setProperty("berth.instance", instance);
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
  public RuntimeState start(RuntimeSession s) {
    if (!Files.isDirectory(workspaceDir(s))) {
      throw new BerthException(
          ErrorCode.CONFLICT, "session '" + s.id() + "' has no workspace; it cannot start");
    }
    if (inspect(s) instanceof ObservedState.Running) {
      return s.state();
    }
    RuntimeState state = s.state().with("started", "true");
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

  /** The environment marker of this session's processes: instance and session id. */
  private String marker(RuntimeSession s) {
    return instance + "/" + s.id().value();
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
    app(s).ifPresent(h -> LocalProcesses.killTree(h, grace));
    String pid = s.state().get("pid");
    if (pid != null) {
      children.remove(Long.parseLong(pid));
    }
    return s.state().with("pid", null).with("pidStart", null).with("started", null);
  }

  @Override
  public CleanupReport destroy(RuntimeSession s) {
    var report = new CleanupReport.Builder();
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
    Path dir = sessionDir(s);
    if (Files.exists(dir)) {
      try {
        LocalFiles.deleteTree(dir);
        report.removed("directory", dir.toString());
      } catch (IOException e) {
        report.failed("directory", dir.toString(), e.toString());
      }
    }
    return report.build();
  }

  @Override
  public ObservedState inspect(RuntimeSession s) {
    if (!Files.isDirectory(workspaceDir(s))) {
      return new ObservedState.Missing("no directory " + workspaceDir(s));
    }
    if (!"true".equals(s.state().get("started"))) {
      return new ObservedState.Prepared();
    }
    if (!s.template().hasApp()) {
      return new ObservedState.Running(Map.of());
    }
    if (app(s).isPresent()) {
      return new ObservedState.Running(endpoints(s));
    }
    String pid = s.state().get("pid");
    Process known = pid == null ? null : children.get(Long.parseLong(pid));
    return new ObservedState.Exited(exitCode(known), "process " + pid + " has ended");
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

  private Map<Integer, URI> endpoints(RuntimeSession s) {
    Map<Integer, URI> out = new TreeMap<>();
    for (int port : s.template().app().ports()) {
      endpoint(s, port).ifPresent(uri -> out.put(port, uri));
    }
    return out;
  }

  @Override
  public Optional<URI> endpoint(RuntimeSession s, int port) {
    return Optional.ofNullable(s.state().get("port." + port))
        .map(p -> URI.create("http://127.0.0.1:" + p + "/"));
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
        if (!instance.equals(owner.getProperty("berth.instance"))) {
          continue;
        }
        String created = owner.getProperty("created");
        out.add(
            new OwnedResource(
                "directory",
                dir.toString(),
                owner.getProperty("berth.session"),
                owner.getProperty("berth.template"),
                instance,
                created == null ? Optional.empty() : Optional.of(Instant.parse(created))));
      }
    } catch (IOException e) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "cannot list " + sessionsDir, e);
    }
    return out;
  }

  @Override
  public byte[] readFile(RuntimeSession s, WorkspacePath path, long maxBytes) {
    return LocalFiles.read(root(s), path, maxBytes);
  }

  @Override
  public void writeFile(RuntimeSession s, WorkspacePath path, InputStream data, long maxBytes) {
    LocalFiles.write(root(s), path, data, maxBytes);
  }

  @Override
  public List<FileEntry> list(RuntimeSession s, WorkspacePath directory) {
    return LocalFiles.list(root(s), directory);
  }

  @Override
  public Optional<FileEntry> stat(RuntimeSession s, WorkspacePath path) {
    return LocalFiles.stat(root(s), path);
  }

  @Override
  public void delete(RuntimeSession s, WorkspacePath path, boolean recursive) {
    LocalFiles.delete(root(s), path, recursive);
  }

  @Override
  public void move(RuntimeSession s, WorkspacePath from, WorkspacePath to) {
    LocalFiles.move(root(s), from, to);
  }

  @Override
  public void makeDirectory(RuntimeSession s, WorkspacePath path) {
    LocalFiles.makeDirectory(root(s), path);
  }

  @Override
  public void putArchive(RuntimeSession s, WorkspacePath directory, InputStream tar) {
    LocalArchives.put(root(s), directory, tar, Long.MAX_VALUE);
  }

  @Override
  public void getArchive(RuntimeSession s, WorkspacePath path, OutputStream out) {
    LocalArchives.get(root(s), path, out);
  }

  @Override
  public ExecResult exec(RuntimeSession s, ExecRequest request) {
    ConfinedRoot root = root(s);
    Path cwd = root.follow(request.cwd());
    if (!Files.isDirectory(cwd)) {
      throw BerthException.badRequest("cwd '" + request.cwd() + "' is not a directory");
    }
    Map<String, String> env = new HashMap<>(baseEnv(s));
    env.putAll(request.env());
    return LocalProcesses.run(
        request.argv(), cwd, env, request.stdin(), request.timeout(), request.maxOutputBytes());
  }
}
