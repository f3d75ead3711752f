package dev.berth.runtime;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot exec ({@link WorkspaceAccess#exec}) run as a started process ({@link
 * WorkspaceAccess#start}): the same result, limits and kill semantics, for a backend whose exec is
 * a thin use of its process handles. It waits for the process's end, its timeout or its
 * cancellation, whichever comes first; on the last two it kills the process and everything it
 * started, and returns what was captured, with exit code -1.
 */
public final class OneShotExec {
  private static final Logger log = LoggerFactory.getLogger(OneShotExec.class);

  private OneShotExec() {}

  /** How a backend starts the exec's process: its {@link WorkspaceAccess#start}, or a shortcut. */
  @FunctionalInterface
  public interface Starter {
    StartedProcess start(ProcessSpec spec, ProcessSink sink);
  }

  /** Runs {@code request} as a process {@code workspace} starts. */
  public static ExecResult run(WorkspaceAccess workspace, ExecRequest request) {
    return run(workspace::start, request, ProcessSink.discard());
  }

  /**
   * The same exec, with every chunk of its output also handed to {@code tap} as it comes (a
   * streamed exec, progress reports), on the backend's reader thread, after it was captured. A tap
   * that blocks holds the command back (backpressure), but not its timeout or cancellation, which
   * are waited for here; a tap that throws is not called again, and the command goes on.
   */
  public static ExecResult run(WorkspaceAccess workspace, ExecRequest request, ProcessSink tap) {
    return run(workspace::start, request, tap);
  }

  /**
   * Runs {@code request} as a process {@code starter} starts: for a backend that has already looked
   * up what its {@code start} would look up again (its container, say).
   */
  public static ExecResult run(Starter starter, ExecRequest request) {
    return run(starter, request, ProcessSink.discard());
  }

  /**
   * The exec with a starter of the backend's own and a tap. An exec cancelled before it began
   * starts nothing and returns at once, as one killed at once would.
   */
  public static ExecResult run(Starter starter, ExecRequest request, ProcessSink tap) {
    if (request.cancellation().isCancelled()) {
      return new ExecResult(-1, new byte[0], new byte[0], 0, 0, false, Duration.ZERO);
    }
    var stdout = new FirstBytes(request.maxOutputBytes());
    var stderr = new FirstBytes(request.maxOutputBytes());
    ProcessSink capture =
        new ProcessSink() {
          private volatile boolean tapFailed;

          @Override
          public void output(ProcessStream stream, byte[] data, int offset, int length)
              throws InterruptedException {
            (stream == ProcessStream.STDOUT ? stdout : stderr).add(data, offset, length);
            if (tapFailed) {
              return;
            }
            try {
              tap.output(stream, data, offset, length);
            } catch (RuntimeException e) {
              tapFailed = true;
              log.debug("exec output tap failed; the command goes on without it", e);
            }
          }
        };
    long started = System.nanoTime();
    boolean ended = false;
    int exitCode = -1;
    try (StartedProcess process = starter.start(ProcessSpec.of(request), capture)) {
      try {
        ended = request.cancellation().await(process.exit(), request.timeout());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (ended) {
        exitCode = process.exit().join();
      } else {
        process.kill();
      }
    }
    boolean timedOut = !ended && !request.cancellation().isCancelled();
    return new ExecResult(
        exitCode,
        stdout.bytes(),
        stderr.bytes(),
        stdout.total(),
        stderr.total(),
        timedOut,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** The first {@code max} bytes of a stream, and how many there were in all. */
  private static final class FirstBytes {
    private final int max;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;

    FirstBytes(int max) {
      this.max = max;
    }

    synchronized void add(byte[] data, int offset, int count) {
      kept.write(data, offset, (int) Math.min(count, max - kept.size()));
      total += count;
    }

    synchronized long total() {
      return total;
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }
  }
}
