package dev.berth.runtime.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed-size byte queue from one writer thread to one reader: the writer blocks while it is full,
 * the reader while it is empty, and neither spins. {@link java.io.PipedInputStream} would not do:
 * it polls once a second and breaks when the thread that last wrote ends.
 *
 * <p>Once the reader has closed its stream, writes are dropped instead of blocking, so a reader
 * that does not want one stream (stderr) does not stall the other one fed by the same writer.
 */
final class BoundedPipe {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final byte[] ring;
  private int head; // index of the oldest unread byte
  private int size; // unread bytes
  private boolean ended;
  private IOException failure;
  private boolean readerClosed;
  private final InputStream input = new Input();

  BoundedPipe(int capacity) {
    this.ring = new byte[capacity];
  }

  /** The reading end. */
  InputStream input() {
    return input;
  }

  /** Queues all of {@code b[off, off+len)}, waiting while the queue is full. */
  void write(byte[] b, int off, int len) throws InterruptedException {
    lock.lock();
    try {
      while (len > 0) {
        while (size == ring.length && !readerClosed) {
          changed.await();
        }
        if (readerClosed) {
          return;
        }
        int tail = (head + size) % ring.length;
        int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
        System.arraycopy(b, off, ring, tail, n);
        size += n;
        off += n;
        len -= n;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** No more bytes come: the reader gets what is queued, then end-of-stream. */
  void end() {
    finish(null);
  }

  /** The source broke: the reader gets what is queued, then {@code why}. */
  void fail(IOException why) {
    finish(why);
  }

  private void finish(IOException why) {
    lock.lock();
    try {
      if (!ended) {
        ended = true;
        failure = why;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private final class Input extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      lock.lock();
      try {
        while (size == 0 && !ended && !readerClosed) {
          changed.await();
        }
        if (readerClosed) {
          throw new IOException("stream closed");
        }
        if (size == 0) {
          if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
          }
          return -1;
        }
        int n = Math.min(len, Math.min(size, ring.length - head));
        System.arraycopy(ring, head, b, off, n);
        head = (head + n) % ring.length;
        size -= n;
        changed.signalAll();
        return n;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for output");
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int available() {
      lock.lock();
      try {
        return size;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        readerClosed = true;
        size = 0;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
