package dev.berth.runtime.fake;

import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link FakeRuntime}'s workspace access for one session: the in-memory files, looked up at each
 * call (so a destroyed workspace fails as a real one would), and exec as the runtime answers it.
 */
final class FakeWorkspaceAccess implements WorkspaceAccess {
  private final Supplier<FakeWorkspace> files;
  private final Function<ExecRequest, ExecResult> exec;
  private final BiFunction<ProcessSpec, ProcessSink, StartedProcess> start;

  FakeWorkspaceAccess(
      Supplier<FakeWorkspace> files,
      Function<ExecRequest, ExecResult> exec,
      BiFunction<ProcessSpec, ProcessSink, StartedProcess> start) {
    this.files = files;
    this.exec = exec;
    this.start = start;
  }

  @Override
  public StartedProcess start(ProcessSpec spec, ProcessSink sink) {
    return start.apply(spec, sink);
  }

  @Override
  public byte[] readFile(WorkspacePath path, long maxBytes) {
    return files.get().read(path, maxBytes);
  }

  @Override
  public void writeFile(WorkspacePath path, InputStream data, long maxBytes) {
    files.get().write(path, data, maxBytes);
  }

  @Override
  public List<FileEntry> list(WorkspacePath directory) {
    return files.get().list(directory);
  }

  @Override
  public Optional<FileEntry> stat(WorkspacePath path) {
    return files.get().stat(path);
  }

  @Override
  public void delete(WorkspacePath path, boolean recursive) {
    files.get().delete(path, recursive);
  }

  @Override
  public void move(WorkspacePath from, WorkspacePath to) {
    files.get().move(from, to);
  }

  @Override
  public void makeDirectory(WorkspacePath path) {
    files.get().makeDirectory(path);
  }

  @Override
  public void putArchive(WorkspacePath directory, InputStream tar) {
    files.get().putArchive(directory, tar);
  }

  @Override
  public void getArchive(WorkspacePath path, OutputStream out) {
    files.get().getArchive(path, out);
  }

  @Override
  public ExecResult exec(ExecRequest request) {
    return exec.apply(request);
  }
}
