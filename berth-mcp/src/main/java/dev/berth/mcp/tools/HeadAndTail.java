package dev.berth.mcp.tools;

import dev.berth.runtime.ProcessStream;
import dev.berth.service.ExecOutput;
import java.nio.charset.StandardCharsets;

/**
 * What a foreground exec's answer shows of each output: the first and the last bytes within a
 * budget, the bytes between them counted, not kept. The end of a build's output (the error, the
 * test summary) is what an agent needs most; a head-only cut dropped it. Fed as the command prints,
 * so the budget holds whatever the server's own output limit.
 */
final class HeadAndTail implements ExecOutput {
  private final Part stdout;
  private final Part stderr;

  /** {@code budget} bytes for each of stdout and stderr, half head, half tail. */
  HeadAndTail(int budget) {
    this.stdout = new Part(budget);
    this.stderr = new Part(budget);
  }

  @Override
  public void output(ProcessStream stream, byte[] data, int offset, int length) {
    (stream == ProcessStream.STDERR ? stderr : stdout).add(data, offset, length);
  }

  Part stdout() {
    return stdout;
  }

  Part stderr() {
    return stderr;
  }

  /** One stream's head, tail and byte count. */
  static final class Part {
    private final byte[] head;
    private final byte[] tail; // a ring
    private int headSize;
    private long tailWritten;
    private long total;

    Part(int budget) {
      this.head = new byte[budget - budget / 2];
      this.tail = new byte[budget / 2];
    }

    synchronized void add(byte[] data, int offset, int length) {
      int toHead = Math.min(length, head.length - headSize);
      System.arraycopy(data, offset, head, headSize, toHead);
      headSize += toHead;
      for (int i = toHead; i < length && tail.length > 0; i++) {
        tail[(int) (tailWritten++ % tail.length)] = data[offset + i];
      }
      total += length;
    }

    synchronized long total() {
      return total;
    }

    /** Bytes neither in the head nor in the tail. */
    synchronized long omitted() {
      return total - headSize - Math.min(tailWritten, tail.length);
    }

    /** The text as the answer shows it: all of it, or head, a marker with the count, tail. */
    synchronized String render() {
      String first = new String(head, 0, headSize, StandardCharsets.UTF_8);
      int kept = (int) Math.min(tailWritten, tail.length);
      byte[] last = new byte[kept];
      for (int i = 0; i < kept; i++) {
        last[i] = tail[(int) ((tailWritten - kept + i) % tail.length)];
      }
      String end = new String(last, StandardCharsets.UTF_8);
      long omitted = omitted();
      if (omitted == 0) {
        return first + end;
      }
      return first
          + "\n[... "
          + omitted
          + " bytes omitted; rerun with output to a file and read it, or search it ...]\n"
          + end;
    }
  }
}
