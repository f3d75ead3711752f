package dev.berth.runtime.local;

import dev.berth.runtime.LogSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Follows a log file as {@code tail -f} does: its last lines, then whatever is appended, read every
 * {@value #POLL_MS} ms by offset (a file that shrank was replaced or truncated: read from its start
 * again), until closed or until the process that writes it is gone, after a last read. Polling a
 * size costs one stat per interval; a file watch would save that but not work on every file system
 * Berth's data directory may be on.
 */
final class LogFileFollower implements AutoCloseable {
  private static final long POLL_MS = 200;

  /** The tail is looked for in at most this much of the file's end, to bound the first read. */
  private static final int TAIL_WINDOW = 1 << 20;

  private static final int CHUNK = 16 * 1024;

  private final Path file;
  private final int lines;
  private final BooleanSupplier writing;
  private final String endedWhy;
  private final LogSink sink;
  private final Thread thread;
  private volatile boolean closed;
  private long offset;

  private LogFileFollower(
      Path file, int lines, BooleanSupplier writing, String endedWhy, LogSink sink) {
    this.file = file;
    this.lines = lines;
    this.writing = writing;
    this.endedWhy = endedWhy;
    this.sink = sink;
    this.thread = Thread.ofVirtual().name("berth-local-log-follow").unstarted(this::run);
  }

  /**
   * Starts following {@code file} from its last {@code lines} lines; {@code writing} says whether
   * its writer still runs, and once it does not the log ends with {@code endedWhy}.
   */
  static LogFileFollower start(
      Path file, int lines, BooleanSupplier writing, String endedWhy, LogSink sink) {
    var f = new LogFileFollower(file, lines, writing, endedWhy, sink);
    f.thread.start();
    return f;
  }

  private void run() {
    try {
      tail();
      while (!closed) {
        boolean alive = writing.getAsBoolean();
        drain();
        if (!alive) {
          if (!closed) {
            sink.end(endedWhy);
          }
          return;
        }
        Thread.sleep(Duration.ofMillis(POLL_MS));
      }
    } catch (InterruptedException e) {
      // closed
    } catch (IOException e) {
      if (!closed) {
        sink.end("cannot read " + file.getFileName() + ": " + e.getMessage());
      }
    }
  }

  /** The last {@code lines} lines as they are now; what follows them is read by {@link #drain}. */
  private void tail() throws IOException, InterruptedException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int window = (int) Math.min(size, TAIL_WINDOW);
      ByteBuffer b = ByteBuffer.allocate(window);
      while (b.hasRemaining() && ch.read(b, size - window + b.position()) > 0) {
        // read the whole window
      }
      byte[] end = b.array();
      int n = b.position();
      int start = n;
      if (lines > 0) {
        // Back from the end over `lines` line ends; the last one ends the last line.
        start = n > 0 && end[n - 1] == '\n' ? n - 1 : n;
        int seen = 0;
        while (start > 0 && !(end[start - 1] == '\n' && ++seen == lines)) {
          start--;
        }
      }
      if (start < n && !closed) {
        sink.output(end, start, n - start);
      }
      offset = size - window + n;
    } catch (NoSuchFileException notYet) {
      offset = 0; // nothing written yet: everything it gets is new
    }
  }

  private void drain() throws IOException, InterruptedException {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException notYet) {
      return;
    }
    if (size < offset) {
      offset = 0; // replaced or truncated: it starts again
    }
    if (size == offset) {
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(CHUNK);
      while (!closed) {
        b.clear();
        int n = ch.read(b, offset);
        if (n <= 0) {
          return;
        }
        sink.output(b.array(), 0, n);
        offset += n;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
