package dev.berth.mcp.tools;

import dev.berth.mcp.tool.ToolProgress;
import dev.berth.runtime.ProcessStream;
import dev.berth.service.ExecOutput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A foreground command's progress for the MCP client that asked for it: its latest output lines, at
 * most once per {@link #EVERY} while it prints, and at least once per {@link #QUIET} while it does
 * not (a client may reset its request timeout on each notification, so a long silent build is not
 * given up on). The notifications go out on a thread of their own, so a slow client never holds the
 * command's output back; {@link #close} stops them before the call answers, as the spec wants.
 */
final class ExecProgress implements ExecOutput, AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(1);
  static final Duration QUIET = Duration.ofSeconds(10);
  static final int LINES = 10;
  static final int TAIL_BYTES = 4096;

  private final ToolProgress progress;
  private final Duration every;
  private final Duration quiet;
  private final long begun = System.nanoTime();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final byte[] tail = new byte[TAIL_BYTES]; // the last bytes of stdout and stderr, merged
  private final Thread reporter;
  private long total; // bytes of output so far
  private boolean done;
  private double lastProgress;

  ExecProgress(ToolProgress progress) {
    this(progress, EVERY, QUIET);
  }

  ExecProgress(ToolProgress progress, Duration every, Duration quiet) {
    this.progress = progress;
    this.every = every;
    this.quiet = quiet;
    this.reporter = Thread.ofVirtual().name("berth-mcp-exec-progress").start(this::report);
  }

  @Override
  public void output(ProcessStream stream, byte[] data, int offset, int length) {
    lock.lock();
    try {
      int keep = Math.min(length, TAIL_BYTES);
      int kept = (int) Math.min(total, TAIL_BYTES);
      int shift = Math.max(0, kept + keep - TAIL_BYTES);
      System.arraycopy(tail, shift, tail, 0, kept - shift);
      System.arraycopy(data, offset + length - keep, tail, kept - shift, keep);
      total += length;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void report() {
    long reported = 0;
    long lastSent = System.nanoTime();
    lock.lock();
    try {
      while (!done) {
        // New output, or the quiet interval, whichever comes first.
        while (!done && total == reported && System.nanoTime() - lastSent < quiet.toNanos()) {
          changed.awaitNanos(quiet.toNanos() - (System.nanoTime() - lastSent));
        }
        if (done) {
          return;
        }
        reported = total;
        String message = message(Arrays.copyOf(tail, (int) Math.min(total, TAIL_BYTES)), total);
        double at = nextProgress();
        lock.unlock();
        try {
          progress.report(at, message);
        } finally {
          lock.lock();
        }
        lastSent = System.nanoTime();
        // At most one notification per `every`: output in between is in the next one.
        long until = lastSent + every.toNanos();
        while (!done && System.nanoTime() < until) {
          changed.awaitNanos(until - System.nanoTime());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Seconds since the command began, as the spec's ever-growing progress value. */
  private double nextProgress() {
    double seconds = Math.round((System.nanoTime() - begun) / 1e6) / 1e3;
    lastProgress = Math.max(seconds, lastProgress + 0.001);
    return lastProgress;
  }

  /**
   * The last {@link #LINES} lines of {@code tail}, the last bytes of {@code total}; a line cut by
   * the tail's start is left out, and of a line redrawn with carriage returns (a progress bar) only
   * its last drawing is kept.
   */
  static String message(byte[] tail, long total) {
    if (total == 0) {
      return "running; no output yet";
    }
    String text = new String(tail, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    if (total > tail.length && lines.size() > 1) {
      lines.removeFirst();
    }
    if (lines.size() > 1 && lines.getLast().isEmpty()) {
      lines.removeLast(); // the newline that ends the output so far
    }
    List<String> last = lines.subList(Math.max(0, lines.size() - LINES), lines.size());
    List<String> shown = new ArrayList<>();
    for (String line : last) {
      String drawn = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      shown.add(drawn.substring(drawn.lastIndexOf('\r') + 1));
    }
    return String.join("\n", shown);
  }

  /** Stops the notifications; none is sent after this returns. */
  @Override
  public void close() {
    lock.lock();
    try {
      done = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (true) {
      try {
        reporter.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
