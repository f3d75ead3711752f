package dev.berth.runtime;

/**
 * What a started process reads on standard input.
 *
 * <p>{@link Bytes} works on every backend, including those that cannot signal the end of an open
 * stream (a Kubernetes exec without a terminal): the backend knows how many bytes come and closes
 * the stream itself. {@link Open} keeps stdin open for {@link StartedProcess#write}.
 */
public sealed interface StdinMode {
  /** Standard input is empty: the process reads end-of-file at once. */
  record None() implements StdinMode {}

  /** These bytes, then end-of-file. */
  record Bytes(byte[] data) implements StdinMode {
    public Bytes {
      data = data == null ? new byte[0] : data;
    }
  }

  /**
   * Open: written with {@link StartedProcess#write}, ended by {@link StartedProcess#closeStdin}.
   */
  record Open() implements StdinMode {}

  static StdinMode none() {
    return new None();
  }

  static StdinMode open() {
    return new Open();
  }

  /** The bytes, then end-of-file; no bytes is {@link None}. */
  static StdinMode bytes(byte[] data) {
    return data == null || data.length == 0 ? new None() : new Bytes(data);
  }
}
