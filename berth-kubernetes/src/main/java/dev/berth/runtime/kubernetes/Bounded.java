package dev.berth.runtime.kubernetes;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/** An output stream that keeps its first {@code max} bytes and counts all of them. */
class Bounded extends OutputStream {
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final long max;
  private long total;

  Bounded(long max) {
    this.max = max;
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] data, int from, int length) {
    if (total < max) {
      kept.write(data, from, (int) Math.min(length, max - total));
    }
    total += length;
  }

  synchronized byte[] bytes() {
    return kept.toByteArray();
  }

  synchronized long total() {
    return total;
  }
}
