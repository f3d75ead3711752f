package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.OneShotExec;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One local session's workspace directory: files ({@link LocalFiles}), archives ({@link
 * LocalArchives}), and processes ({@link LocalSessionProcesses}), of which exec is one run to its
 * end; every path confined by {@link ConfinedRoot}. The root is looked up at each call, so a
 * removed workspace is noticed at once.
 */
final class LocalWorkspace implements WorkspaceAccess {
  private final Supplier<ConfinedRoot> root;
  private final Map<String, String> baseEnv;
  private final Starter starter;

  /** Starts a process of this workspace's session, given its directory and whole environment. */
  @FunctionalInterface
  interface Starter {
    StartedProcess start(ProcessSpec spec, Path cwd, Map<String, String> env, ProcessSink sink);
  }

  /**
   * @param root the workspace, checked at each call ({@code CONFLICT} when it is gone)
   * @param baseEnv the session's environment for commands, before the request's own
   * @param starter starts processes with handles ({@link LocalSessionProcesses})
   */
  LocalWorkspace(Supplier<ConfinedRoot> root, Map<String, String> baseEnv, Starter starter) {
    this.root = root;
    this.baseEnv = Map.copyOf(baseEnv);
    this.starter = starter;
  }

  @Override
  public byte[] readFile(WorkspacePath path, long maxBytes) {
    return LocalFiles.read(root.get(), path, maxBytes);
  }

  @Override
  public void writeFile(WorkspacePath path, InputStream data, long maxBytes) {
    LocalFiles.write(root.get(), path, data, maxBytes);
  }

  /** The JDK's file watcher on the workspace directory ({@link LocalWatch}). */
  @Override
  public Optional<AutoCloseable> watch(
      java.util.function.Consumer<List<dev.berth.runtime.WorkspaceChange>> changes) {
    return Optional.of(LocalWatch.start(root.get().root(), changes));
  }

  @Override
  public List<FileEntry> list(WorkspacePath directory) {
    return LocalFiles.list(root.get(), directory);
  }

  @Override
  public Optional<FileEntry> stat(WorkspacePath path) {
    return LocalFiles.stat(root.get(), path);
  }

  @Override
  public void delete(WorkspacePath path, boolean recursive) {
    LocalFiles.delete(root.get(), path, recursive);
  }

  @Override
  public void move(WorkspacePath from, WorkspacePath to) {
    LocalFiles.move(root.get(), from, to);
  }

  @Override
  public void makeDirectory(WorkspacePath path) {
    LocalFiles.makeDirectory(root.get(), path);
  }

  @Override
  public void putArchive(WorkspacePath directory, InputStream tar) {
    LocalArchives.put(root.get(), directory, tar, Long.MAX_VALUE);
  }

  @Override
  public void getArchive(WorkspacePath path, OutputStream out) {
    LocalArchives.get(root.get(), path, out);
  }

  /** A started process with exec's limits and kill semantics ({@link OneShotExec}). */
  @Override
  public ExecResult exec(ExecRequest request) {
    return OneShotExec.run(this, request);
  }

  @Override
  public StartedProcess start(ProcessSpec spec, ProcessSink sink) {
    Path cwd = root.get().follow(spec.cwd());
    if (!Files.isDirectory(cwd)) {
      throw BerthException.badRequest("cwd '" + spec.cwd() + "' is not a directory");
    }
    Map<String, String> env = new HashMap<>(baseEnv);
    env.putAll(spec.env());
    return starter.start(spec, cwd, env, sink);
  }
}
