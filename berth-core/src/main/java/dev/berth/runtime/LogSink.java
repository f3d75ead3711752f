package dev.berth.runtime;

/**
 * Where a followed log goes ({@link SessionRuntime#followLog}): a container's output as it is
 * written. The backend calls it on one thread of its own, in order; a call that blocks holds the
 * backend's reading back (the container's own writes are never held: its log is kept apart).
 */
public interface LogSink {
  /**
   * Takes {@code length} bytes at {@code offset} of {@code data}, as the container wrote them (not
   * cut at lines); the array is the backend's and is reused after the call returns.
   */
  void output(byte[] data, int offset, int length) throws InterruptedException;

  /**
   * The log ended and nothing more will come (the container stopped or is gone, or its log could
   * not be read on): {@code why} says which, for the reader. Called once, last, unless the follow
   * was closed first.
   */
  void end(String why);
}
