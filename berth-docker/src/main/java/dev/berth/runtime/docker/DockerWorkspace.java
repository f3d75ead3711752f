package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.base.BerthException;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.OneShotExec;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One Docker session's workspace: files through the archive API ({@link DockerFiles}, {@link
 * DockerArchives}), what that API cannot do as commands ({@link FileCommands}), processes with
 * handles ({@link DockerProcesses}), of which exec is one run to its end ({@link DockerExec} where
 * they cannot run). The session container, created at prepare, is looked up at each call: the
 * archive API works on a created container, so a prepared session's files are served without
 * starting it.
 */
final class DockerWorkspace implements WorkspaceAccess {
  private final RuntimeSession s;
  private final DockerNames names;
  private final DockerEngine engine;
  private final DockerProvisioner provisioner;
  private final ContainerUsers users;
  private final DockerFiles files;
  private final DockerArchives archives;
  private final DockerExec exec;
  private final StablePaths stable;
  private final KnownContainers containers;

  DockerWorkspace(
      RuntimeSession s,
      DockerNames names,
      DockerEngine engine,
      DockerProvisioner provisioner,
      ContainerUsers users,
      DockerFiles files,
      DockerArchives archives,
      DockerExec exec,
      StablePaths stable,
      KnownContainers containers) {
    this.s = s;
    this.names = names;
    this.engine = engine;
    this.provisioner = provisioner;
    this.users = users;
    this.files = files;
    this.archives = archives;
    this.exec = exec;
    this.stable = stable;
    this.containers = containers;
  }

  /** Where the container's workspace is, for a container the caller found. */
  static ContainerPaths paths(
      DockerEngine engine, ContainerUsers users, RuntimeSession s, InspectContainerResponse c) {
    String user = c.getConfig() == null ? "" : c.getConfig().getUser();
    return new ContainerPaths(
        engine, c.getId(), s.template().workspace().path(), users.of(c.getId(), user));
  }

  /** The session container, which every file call needs (created at prepare). */
  private InspectContainerResponse container() {
    return provisioner
        .find(names.container())
        .orElseThrow(
            () ->
                BerthException.conflict(
                    "session '"
                        + s.id()
                        + "' has no container "
                        + names.container()
                        + " (was it removed?); start it again"));
  }

  private ContainerPaths paths(InspectContainerResponse c) {
    return paths(engine, users, s, c);
  }

  private ContainerPaths paths() {
    return paths(container());
  }

  private static boolean running(InspectContainerResponse c) {
    return Boolean.TRUE.equals(c.getState().getRunning());
  }

  @Override
  public byte[] readFile(WorkspacePath path, long maxBytes) {
    return files.read(paths(), path, maxBytes);
  }

  @Override
  public void writeFile(WorkspacePath path, InputStream data, long maxBytes) {
    files.write(paths(), path, data, maxBytes);
  }

  @Override
  public List<FileEntry> list(WorkspacePath directory) {
    var c = container();
    return files.list(s, names, running(c), paths(c), directory);
  }

  @Override
  public Optional<FileEntry> stat(WorkspacePath path) {
    return files.stat(paths(), path);
  }

  @Override
  public void delete(WorkspacePath path, boolean recursive) {
    var c = container();
    files.delete(s, names, running(c), paths(c), path, recursive);
  }

  @Override
  public void move(WorkspacePath from, WorkspacePath to) {
    var c = container();
    files.move(s, names, running(c), paths(c), from, to);
  }

  @Override
  public void makeDirectory(WorkspacePath path) {
    files.makeDirectory(paths(), path);
  }

  @Override
  public void putArchive(WorkspacePath directory, InputStream tar) {
    archives.put(paths(), directory, tar);
  }

  @Override
  public void getArchive(WorkspacePath path, OutputStream out) {
    archives.get(paths(), path, out);
  }

  /**
   * A started process with exec's limits and kill semantics ({@link OneShotExec}), the container
   * and its paths looked up once for both. Where Berth cannot attach to an exec itself (an engine
   * not on a unix socket: {@code tcp://}, TLS, a wrapped client) or cannot signal one (an image
   * without {@code /bin/sh}), started processes are refused, so exec runs its own way there ({@link
   * DockerExec}: docker-java's attach, stdin staged as a file, a bare command only waited for).
   */
  @Override
  public ExecResult exec(ExecRequest request) {
    var c = container();
    if (!running(c)) {
      throw BerthException.conflict("session '" + s.id() + "' is not running; start it to exec");
    }
    ContainerPaths paths = paths(c);
    String cwd = directory(c, paths, request.cwd());
    boolean hasShell = stable.hasShell(c.getId());
    List<String> envList = environment(request.env());
    if (hasShell && ExecHandshake.attachable(engine)) {
      return OneShotExec.run(
          (spec, sink) ->
              new DockerProcesses(engine).start(c.getId(), cwd, envList, spec, sink, true),
          request);
    }
    return exec.run(
        c.getId(),
        paths.owner(),
        request.argv(),
        cwd,
        envList,
        request.stdin(),
        stdinDirectory(c, paths),
        request.timeout(),
        request.maxOutputBytes(),
        hasShell,
        request.cancellation());
  }

  /**
   * Starts a process. The container is the one a start found running before when there is one
   * ({@link KnownContainers}); when the exec cannot be made there (the container stopped or was
   * replaced meanwhile, or the request is wrong), the start is made again from a fresh inspect, so
   * every error is the one that inspect leads to. Nothing runs before the exec is started, so the
   * second try never runs the command twice.
   */
  @Override
  public StartedProcess start(ProcessSpec spec, ProcessSink sink) {
    String name = names.container();
    InspectContainerResponse c = containers.get(name).orElse(null);
    DockerProcesses.Created created = null;
    if (c != null) {
      try {
        created = create(c, spec);
      } catch (RuntimeException e) {
        containers.forget(name);
      }
    }
    if (created == null) {
      c = container();
      if (!running(c)) {
        throw BerthException.conflict(
            "session '" + s.id() + "' is not running; start it to start processes");
      }
      created = create(c, spec);
      containers.remember(name, c);
    }
    return processes().attach(c.getId(), created, spec, sink);
  }

  private DockerProcesses.Created create(InspectContainerResponse c, ProcessSpec spec) {
    String cwd = directory(c, paths(c), spec.cwd());
    return processes()
        .create(c.getId(), cwd, environment(spec.env()), spec, stable.hasShell(c.getId()));
  }

  private DockerProcesses processes() {
    return new DockerProcesses(engine);
  }

  /**
   * {@code cwd} inside the container, BAD_REQUEST unless it is a directory. The workspace root, the
   * usual cwd, is asked of the engine once per container ({@link StablePaths}).
   */
  private String directory(InspectContainerResponse c, ContainerPaths paths, WorkspacePath cwd) {
    String inside = paths.follow(cwd);
    boolean directory =
        cwd.isRoot()
            ? stable.isDirectory(c.getId(), inside)
            : paths.stat(inside).map(PathStat::isDirectory).orElse(false);
    if (!directory) {
      throw BerthException.badRequest("cwd '" + cwd + "' is not a directory");
    }
    return inside;
  }

  /** A command's environment: the template's, Berth's own variables, then the caller's. */
  private List<String> environment(Map<String, String> extra) {
    Map<String, String> env = new TreeMap<>(s.template().container().env());
    env.put("BERTH_SESSION_ID", s.id().value());
    env.put("BERTH_WORKSPACE", s.template().workspace().path());
    env.putAll(extra);
    return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  /**
   * Where an exec's stdin is staged: {@code /tmp} (empty) under runc; the workspace under any other
   * runtime (gVisor), which does not see what the engine writes to its {@code /tmp} (see {@link
   * DockerExec}). Read from the container, not the template: the container may predate an edit.
   */
  private static Optional<String> stdinDirectory(InspectContainerResponse c, ContainerPaths paths) {
    String runtime = c.getHostConfig() == null ? null : c.getHostConfig().getRuntime();
    return runtime == null || runtime.isEmpty() || runtime.equals("runc")
        ? Optional.empty()
        : Optional.of(paths.root());
  }
}
