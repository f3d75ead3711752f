package dev.berth.service.processes;

import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A started process's recent output: the last {@code capacity} bytes of stdout and stderr in the
 * order they were made, each byte at an offset that counts from the process's start, so a client
 * that comes back asks for what followed the last offset it saw and learns how much it missed.
 *
 * <p>Two policies for a full log. A background process ({@link Backpressure#DROP_OLDEST}) is never
 * slowed: the oldest bytes go, and a late reader is told how many it skipped. A foreground one
 * ({@link Backpressure#BLOCK}) keeps every byte for its attached readers: the process's output
 * blocks (and with it the process, once its pipe is full) until the slowest reader has read far
 * enough; with no reader attached it drops like a background process, so nobody's absence can wedge
 * a process.
 */
public final class OutputLog implements ProcessSink {
  /** What to do when the log is full; see the class comment. */
  public enum Backpressure {
    BLOCK,
    DROP_OLDEST
  }

  /** Bytes of one stream, starting at {@code offset}. */
  public record Chunk(long offset, ProcessStream stream, byte[] data) {
    long end() {
      return offset + data.length;
    }
  }

  /**
   * What a read found: the chunks from {@code since} (or from the oldest kept, {@code skipped}
   * bytes later), the offset to ask from next, and whether the process's output has ended.
   */
  public record Read(List<Chunk> chunks, long skipped, long next, boolean ended) {}

  private final int capacity;
  private final Backpressure backpressure;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Chunk> chunks = new ArrayDeque<>();
  private final List<Cursor> cursors = new ArrayList<>();
  private long kept; // bytes in chunks
  private long end; // offset after the last byte
  private boolean ended;
  private boolean released; // appends no longer wait for readers

  public OutputLog(int capacity, Backpressure backpressure) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.backpressure = backpressure;
  }

  @Override
  public void output(ProcessStream stream, byte[] data, int offset, int length)
      throws InterruptedException {
    int done = 0;
    while (done < length) {
      int part = Math.min(length - done, capacity);
      append(stream, Arrays.copyOfRange(data, offset + done, offset + done + part));
      done += part;
    }
  }

  private void append(ProcessStream stream, byte[] data) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (backpressure == Backpressure.BLOCK) {
        // Wait until the slowest attached reader has read what this append would push out.
        while (!released && slowest() < end + data.length - capacity) {
          changed.await();
        }
      }
      chunks.addLast(new Chunk(end, stream, data));
      kept += data.length;
      end += data.length;
      while (kept > capacity) {
        Chunk oldest = chunks.removeFirst();
        long excess = kept - capacity;
        if (oldest.data().length > excess) { // keep its newest part
          int cut = (int) excess;
          byte[] rest = Arrays.copyOfRange(oldest.data(), cut, oldest.data().length);
          chunks.addFirst(new Chunk(oldest.offset() + cut, oldest.stream(), rest));
        }
        kept -= Math.min(excess, oldest.data().length);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The slowest attached reader's position; past the end when none is attached. */
  private long slowest() {
    long min = Long.MAX_VALUE;
    for (Cursor c : cursors) {
      min = Math.min(min, c.position);
    }
    return min;
  }

  /**
   * Appends stop waiting for readers from now on, so a process being killed is not held by a reader
   * that went quiet: its last output is dropped from the oldest instead.
   */
  public void release() {
    lock.lock();
    try {
      released = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** No more output will come (the process ended): readers get the rest, then the end. */
  public void finish() {
    lock.lock();
    try {
      ended = true;
      released = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The offset after the last byte made so far. */
  public long offset() {
    lock.lock();
    try {
      return end;
    } finally {
      lock.unlock();
    }
  }

  /**
   * What was made from offset {@code since} on, at most {@code maxBytes} of it, waiting up to
   * {@code wait} for something new when there is nothing yet (and the output has not ended). A
   * {@code since} past the end is read as the end; one before the oldest kept byte skips to it.
   */
  public Read read(long since, int maxBytes, Duration wait) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      long from = Math.max(0, Math.min(since, end));
      while (from >= end && !ended) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
      }
      return collect(from, maxBytes);
    } finally {
      lock.unlock();
    }
  }

  private Read collect(long from, int maxBytes) {
    long oldest = end - kept;
    long start = Math.max(from, oldest);
    List<Chunk> out = new ArrayList<>();
    long next = start;
    for (Chunk c : chunks) {
      if (c.end() <= next || next - start >= maxBytes) {
        continue;
      }
      int skip = (int) (next - c.offset());
      int take = (int) Math.min(c.data().length - skip, maxBytes - (next - start));
      out.add(new Chunk(next, c.stream(), Arrays.copyOfRange(c.data(), skip, skip + take)));
      next += take;
    }
    return new Read(List.copyOf(out), start - from, next, ended && next == end);
  }

  /**
   * Attaches a reader that the {@link Backpressure#BLOCK} policy waits for; it starts at {@code
   * since} (see {@link #read}) and must be closed when its client goes.
   */
  public Cursor attach(long since) {
    lock.lock();
    try {
      Cursor c = new Cursor(Math.max(0, Math.min(since, end)));
      cursors.add(c);
      return c;
    } finally {
      lock.unlock();
    }
  }

  /** An attached reader's place in the log. */
  public final class Cursor implements AutoCloseable {
    private long position;

    private Cursor(long position) {
      this.position = position;
    }

    /**
     * The next output after what this reader has read, waiting up to {@code wait} for some; the
     * reader's place moves past it (which may let a blocked process go on).
     */
    public Read next(int maxBytes, Duration wait) throws InterruptedException {
      long from;
      lock.lockInterruptibly();
      try {
        from = position;
      } finally {
        lock.unlock();
      }
      Read r = read(from, maxBytes, wait);
      lock.lock();
      try {
        position = r.next();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return r;
    }

    @Override
    public void close() {
      lock.lock();
      try {
        cursors.remove(this);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
