package dev.berth.service.processes;

import dev.berth.base.SessionId;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.TtySize;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A process Berth started in a session and keeps track of ({@link SessionProcesses}): its handle,
 * its recent output, and once it ended, its exit code and what ended it.
 */
public final class LiveProcess {
  private final SessionId session;
  private final String id;
  private final List<String> argv;
  private final Optional<TtySize> tty;
  private final boolean background;
  private final Instant started;
  private final StartedProcess handle;
  private final OutputLog output;
  private final AtomicReference<String> endedBy = new AtomicReference<>();
  private volatile Instant ended;

  LiveProcess(
      SessionId session,
      String id,
      List<String> argv,
      Optional<TtySize> tty,
      boolean background,
      Instant started,
      StartedProcess handle,
      OutputLog output) {
    this.session = session;
    this.id = id;
    this.argv = List.copyOf(argv);
    this.tty = tty;
    this.background = background;
    this.started = started;
    this.handle = handle;
    this.output = output;
  }

  public SessionId session() {
    return session;
  }

  /** Its id in the session ({@code p1}, {@code p2}, ...), what clients attach to. */
  public String id() {
    return id;
  }

  public List<String> argv() {
    return argv;
  }

  public Optional<TtySize> tty() {
    return tty;
  }

  /** Started to outlive the request that started it (a server, a watcher). */
  public boolean background() {
    return background;
  }

  public Instant started() {
    return started;
  }

  /** Its exit code once it ended; -1 when it was killed or its end could not be known. */
  public OptionalInt exitCode() {
    Integer code = handle.exit().getNow(null);
    return code == null ? OptionalInt.empty() : OptionalInt.of(code);
  }

  public boolean running() {
    return !handle.exit().isDone();
  }

  /** When it ended, once it did. */
  public Optional<Instant> ended() {
    return Optional.ofNullable(ended);
  }

  /** Why Berth ended it ("session 'a' is being stopped"), when Berth did. */
  public Optional<String> endedBy() {
    return Optional.ofNullable(endedBy.get());
  }

  public OutputLog output() {
    return output;
  }

  /**
   * Writes to its stdin (started with an open stdin); blocks while the backend cannot take more.
   */
  public void write(byte[] data, int offset, int length) {
    handle.write(data, offset, length);
  }

  public void closeStdin() {
    handle.closeStdin();
  }

  public void resize(TtySize size) {
    handle.resize(size);
  }

  /** Sends {@code signal} to it and everything it started. */
  public void signal(ProcessSignal signal) {
    handle.signal(signal);
  }

  /**
   * Completes with its exit code (see {@link #exitCode}) once it ended and its output is all in.
   */
  public java.util.concurrent.CompletableFuture<Integer> exit() {
    return handle.exit();
  }

  /** Kills it (and everything it started), recording {@code why} for its clients. */
  public void kill(String why) {
    endedBy.compareAndSet(null, why);
    output.release();
    handle.kill();
  }

  void markEnded(Instant at) {
    ended = at;
  }
}
