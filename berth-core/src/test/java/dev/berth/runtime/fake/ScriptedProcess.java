package dev.berth.runtime.fake;

import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessStream;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.TtySize;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A started process the test drives: it says what the process prints and when it ends. */
public final class ScriptedProcess implements StartedProcess {
  public final ProcessSink sink;
  public final CompletableFuture<Integer> exit = new CompletableFuture<>();
  public final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
  public final List<ProcessSignal> signals = new CopyOnWriteArrayList<>();
  public final List<TtySize> sizes = new CopyOnWriteArrayList<>();
  public volatile boolean stdinClosed;
  public volatile int kills;

  public ScriptedProcess(ProcessSink sink) {
    this.sink = sink;
  }

  /** The process prints {@code text} (on the caller's thread, as a backend's reader would). */
  public void print(ProcessStream stream, String text) throws InterruptedException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    sink.output(stream, b, 0, b.length);
  }

  public void end(int code) {
    exit.complete(code);
  }

  @Override
  public synchronized void write(byte[] data, int offset, int length) {
    stdin.write(data, offset, length);
  }

  @Override
  public void closeStdin() {
    stdinClosed = true;
  }

  @Override
  public void resize(TtySize size) {
    sizes.add(size);
  }

  @Override
  public void signal(ProcessSignal signal) {
    signals.add(signal);
  }

  @Override
  public CompletableFuture<Integer> exit() {
    return exit;
  }

  @Override
  public void kill() {
    kills++;
    exit.complete(-1);
  }

  @Override
  public void close() {
    if (!exit.isDone()) {
      kill();
    }
  }
}
