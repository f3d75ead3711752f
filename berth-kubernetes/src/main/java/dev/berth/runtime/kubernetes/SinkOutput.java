package dev.berth.runtime.kubernetes;

import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * One stream of a started process's output, as the {@link OutputStream} fabric8's exec writes to,
 * handed on to a {@link ProcessSink}. fabric8 7.8 writes each frame on one serial executor and asks
 * the WebSocket for the next frame only once the write returns, so a sink that blocks holds the
 * socket back with one frame in flight; nothing here or there queues more.
 *
 * <p>{@link #end} closes it: a {@link ProcessSink} is never called after its process's exit has
 * completed, so the handle ends both streams first, interrupting a sink blocked in a call (a kill
 * must not wait for a reader that does not read).
 */
final class SinkOutput extends OutputStream {
  private final ProcessSink sink;
  private final ProcessStream stream;
  private boolean open = true;
  private Thread writer;

  SinkOutput(ProcessSink sink, ProcessStream stream) {
    this.sink = sink;
    this.stream = stream;
  }

  @Override
  public void write(int b) throws InterruptedIOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] data, int offset, int length) throws InterruptedIOException {
    synchronized (this) {
      if (!open) {
        return; // the process's end was reported: late bytes are dropped
      }
      writer = Thread.currentThread();
    }
    try {
      sink.output(stream, data, offset, length);
    } catch (InterruptedException e) {
      // the thread is fabric8's; its interrupt was ours (end), so it is not set again
      throw new InterruptedIOException("the process's " + stream + " was cut off by its end");
    } finally {
      synchronized (this) {
        writer = null;
        notifyAll();
      }
    }
  }

  /**
   * No call reaches the sink once this returns; a call in progress is interrupted and waited for up
   * to {@code wait} (a sink that ignores interrupts is left to finish on its own).
   */
  synchronized void end(Duration wait) {
    open = false;
    if (writer == null || writer == Thread.currentThread()) {
      return;
    }
    writer.interrupt();
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      long left;
      while (writer != null && (left = deadline - System.nanoTime()) > 0) {
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
