package dev.berth.runtime;

/**
 * Where a started process's output goes, as the process makes it. The backend calls it on one
 * thread of its own, in the order the bytes were read, and never after the process's {@link
 * StartedProcess#exit} has completed. A call that blocks stops the backend reading the process's
 * output, so the process itself blocks once its pipe is full: that is the backpressure.
 */
@FunctionalInterface
public interface ProcessSink {
  /**
   * Takes {@code length} bytes at {@code offset} of {@code data}; the array is the backend's and is
   * reused after the call returns, so keep a copy, not the array.
   */
  void output(ProcessStream stream, byte[] data, int offset, int length)
      throws InterruptedException;

  /** A sink that drops everything. */
  static ProcessSink discard() {
    return (stream, data, offset, length) -> {};
  }
}
