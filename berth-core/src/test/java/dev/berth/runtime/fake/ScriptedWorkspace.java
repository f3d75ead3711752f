package dev.berth.runtime.fake;

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
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A workspace whose started processes follow a script the test gives (on a thread of their own, as
 * a backend's output reader runs), and whose exec is {@link OneShotExec} over them; it has no
 * files.
 */
public final class ScriptedWorkspace implements WorkspaceAccess {
  /** What each started process does. */
  @FunctionalInterface
  public interface Script {
    void run(ScriptedProcess process, ProcessSpec spec) throws Exception;
  }

  public final List<ScriptedProcess> started = new CopyOnWriteArrayList<>();
  public final List<ProcessSpec> specs = new CopyOnWriteArrayList<>();
  private final Script script;

  public ScriptedWorkspace(Script script) {
    this.script = script;
  }

  @Override
  public StartedProcess start(ProcessSpec spec, ProcessSink sink) {
    var process = new ScriptedProcess(sink);
    specs.add(spec);
    started.add(process);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                script.run(process, spec);
              } catch (InterruptedException e) {
                process.end(-1);
              } catch (Exception e) {
                process.exit.completeExceptionally(e);
              }
            });
    return process;
  }

  @Override
  public ExecResult exec(ExecRequest request) {
    return OneShotExec.run(this, request);
  }

  private static UnsupportedOperationException noFiles() {
    return new UnsupportedOperationException("a scripted workspace has no files");
  }

  @Override
  public byte[] readFile(WorkspacePath path, long maxBytes) {
    throw noFiles();
  }

  @Override
  public void writeFile(WorkspacePath path, InputStream data, long maxBytes) {
    throw noFiles();
  }

  @Override
  public List<FileEntry> list(WorkspacePath directory) {
    throw noFiles();
  }

  @Override
  public Optional<FileEntry> stat(WorkspacePath path) {
    throw noFiles();
  }

  @Override
  public void delete(WorkspacePath path, boolean recursive) {
    throw noFiles();
  }

  @Override
  public void move(WorkspacePath from, WorkspacePath to) {
    throw noFiles();
  }

  @Override
  public void makeDirectory(WorkspacePath path) {
    throw noFiles();
  }

  @Override
  public void putArchive(WorkspacePath directory, InputStream tar) {
    throw noFiles();
  }

  @Override
  public void getArchive(WorkspacePath path, OutputStream out) {
    throw noFiles();
  }
}
