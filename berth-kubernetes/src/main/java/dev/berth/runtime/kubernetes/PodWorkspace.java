package dev.berth.runtime.kubernetes;

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
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One Kubernetes session's workspace, through the API server's exec endpoint: files ({@link
 * PodFiles}) and archives ({@link PodArchives}) in the session's pod when it runs, else in its
 * helper pod; processes with handles ({@link PodProcesses}), of which exec is one run to its end,
 * in the running session pod only. Which pod serves a call is decided at each call by the suppliers
 * the runtime gives (the helper is made on demand there).
 */
final class PodWorkspace implements WorkspaceAccess {
  private final PodFiles files;
  private final PodArchives archives;
  private final PodProcesses processes;
  private final Supplier<PodFiles.Target> fileTarget;
  private final Supplier<PodFiles.Target> runningPod;

  /**
   * @param fileTarget the pod that serves file calls now (the session's, or the helper)
   * @param runningPod the session's running pod; {@code CONFLICT} when it does not run
   */
  PodWorkspace(
      PodFiles files,
      PodArchives archives,
      PodProcesses processes,
      Supplier<PodFiles.Target> fileTarget,
      Supplier<PodFiles.Target> runningPod) {
    this.files = files;
    this.archives = archives;
    this.processes = processes;
    this.fileTarget = fileTarget;
    this.runningPod = runningPod;
  }

  @Override
  public byte[] readFile(WorkspacePath path, long maxBytes) {
    return files.read(fileTarget.get(), path, maxBytes);
  }

  @Override
  public void writeFile(WorkspacePath path, InputStream data, long maxBytes) {
    files.write(fileTarget.get(), path, data, maxBytes);
  }

  @Override
  public List<FileEntry> list(WorkspacePath directory) {
    return files.list(fileTarget.get(), directory);
  }

  @Override
  public Optional<FileEntry> stat(WorkspacePath path) {
    return files.stat(fileTarget.get(), path);
  }

  @Override
  public void delete(WorkspacePath path, boolean recursive) {
    files.delete(fileTarget.get(), path, recursive);
  }

  @Override
  public void move(WorkspacePath from, WorkspacePath to) {
    files.move(fileTarget.get(), from, to);
  }

  @Override
  public void makeDirectory(WorkspacePath path) {
    files.makeDirectory(fileTarget.get(), path);
  }

  @Override
  public void putArchive(WorkspacePath directory, InputStream tar) {
    archives.put(fileTarget.get(), directory, tar);
  }

  @Override
  public void getArchive(WorkspacePath path, OutputStream out) {
    archives.get(fileTarget.get(), path, out);
  }

  /** A started process with exec's limits and kill semantics ({@link OneShotExec}). */
  @Override
  public ExecResult exec(ExecRequest request) {
    return OneShotExec.run(this, request);
  }

  @Override
  public StartedProcess start(ProcessSpec spec, ProcessSink sink) {
    PodFiles.Target target = runningPod.get();
    return processes.start(target, files.workingDirectory(target, spec.cwd()), spec, sink);
  }
}
