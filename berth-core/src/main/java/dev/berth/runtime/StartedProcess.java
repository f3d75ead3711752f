package dev.berth.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * A process started in a session ({@link WorkspaceAccess#start}), until it and everything it
 * started are gone. Every method may be called from any thread. Calls after the process ended are
 * quiet no-ops, except {@link #write}, which fails with {@code CONFLICT}.
 */
public interface StartedProcess extends AutoCloseable {

  /**
   * Writes to standard input ({@link StdinMode.Open} only, else {@code BAD_REQUEST}); blocks while
   * the backend cannot take more, which is the backpressure toward the writer.
   */
  void write(byte[] data, int offset, int length);

  /**
   * Ends standard input: the process reads end-of-file. In a terminal that is the line discipline's
   * end-of-file character ({@code ^D}), as a user at the terminal would type it.
   */
  void closeStdin();

  /**
   * Changes the terminal's size (the process gets {@code SIGWINCH}); {@code BAD_REQUEST} without
   * one.
   */
  void resize(TtySize size);

  /** Sends {@code signal} to the process and everything it started. */
  void signal(ProcessSignal signal);

  /**
   * Completes with the exit code once the process ended and its last output reached the sink; -1
   * when the backend cannot know it (killed by Berth, the connection to it lost). A child the
   * process left running (a server started with {@code &}) that still holds its output open holds
   * this back only a few seconds (Docker's engine ends the stream 2 s after the process, local 5
   * s); it runs on, and what it writes later goes nowhere.
   */
  CompletableFuture<Integer> exit();

  /**
   * Kills the process and everything it started, and returns once they are gone (or the backend has
   * done all it can); {@link #exit} is complete after it returns.
   */
  void kill();

  /** Kills the process if it still runs, and frees what the handle holds (threads, sockets). */
  @Override
  void close();
}
