package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.TtySize;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A process started in a Docker container ({@link DockerProcesses}): an exec attached through
 * {@link ExecAttach}, whose output goes straight to the caller's sink on the attachment's thread.
 * Signals and the kill go to every process carrying the exec's marker ({@link MarkedProcesses}), so
 * they reach the whole tree; the engine itself cannot signal an exec.
 */
final class DockerProcess implements StartedProcess {
  /** How long a kill lets the output that was already on its way reach the sink. */
  private static final Duration DRAIN = Duration.ofSeconds(5);

  /** How long a kill looks for a command the engine has not started yet, and how often. */
  private static final Duration START_GRACE = Duration.ofSeconds(10);

  private static final Duration RETRY = Duration.ofMillis(50);

  /** The line discipline's end-of-file character, what closing stdin is in a terminal. */
  private static final byte CONTROL_D = 0x04;

  private final DockerEngine engine;
  private final String containerId;
  private final String marker;
  private final ExecAttach attach;
  private final boolean stdinOpen;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private volatile boolean stdinClosed;
  private volatile boolean killed;
  // Resizes one at a time, so the size asked at the start never lands after a client's resize.
  private final ReentrantLock sizing = new ReentrantLock();
  private boolean resized; // guarded by sizing

  DockerProcess(
      DockerEngine engine,
      String containerId,
      String marker,
      ExecAttach attach,
      boolean stdinOpen) {
    this.engine = engine;
    this.containerId = containerId;
    this.marker = marker;
    this.attach = attach;
    this.stdinOpen = stdinOpen;
    // The attachment's exit completes after its last sink call; a broken or aborted stream has no
    // exit code to tell.
    attach.exit().whenComplete((code, error) -> exit.complete(killed || error != null ? -1 : code));
  }

  @Override
  public void write(byte[] data, int offset, int length) {
    if (!stdinOpen) {
      throw BerthException.badRequest("the process was not started with an open stdin");
    }
    if (stdinClosed || exit.isDone()) {
      throw BerthException.conflict("the process's stdin is closed (or the process ended)");
    }
    try {
      attach.stdin().write(data, offset, length);
    } catch (IOException e) {
      throw BerthException.conflict("the process's stdin is closed (or the process ended)");
    }
  }

  @Override
  public void closeStdin() {
    if (!stdinOpen || stdinClosed || exit.isDone()) {
      return;
    }
    stdinClosed = true;
    try {
      if (attach.tty()) {
        // A terminal's input has no end of its own: ^D makes a read at the line's start return
        // end-of-file. Half-closing would leave the process waiting.
        attach.stdin().write(new byte[] {CONTROL_D}, 0, 1);
      } else {
        attach.stdin().close();
      }
    } catch (IOException e) {
      // the process ended meanwhile; it reads nothing more either way
    }
  }

  @Override
  public void resize(TtySize size) {
    if (!attach.tty()) {
      throw BerthException.badRequest("the process has no terminal to resize");
    }
    if (exit.isDone()) {
      return;
    }
    sizing.lock();
    try {
      resized = true;
      attach.resize(size.rows(), size.columns());
    } catch (BerthException e) {
      if (!exit.isDone()) {
        throw e;
      } // else it ended meanwhile: a resize of nothing is a quiet no-op
    } finally {
      sizing.unlock();
    }
  }

  /**
   * Gives the terminal the size asked at the start through the engine too (as the docker CLI does;
   * the {@code stty} prelude has set it already, see {@link DockerProcesses}), on a thread of its
   * own: the engine refuses a resize until it has started the command, and {@link
   * ExecAttach#resize} retries with a pause until then, which the start must not wait for (it would
   * hold back the caller and so the process's first byte). A client's resize that came first wins:
   * this one is then skipped.
   */
  void sizeOnceStarted(TtySize size) {
    Thread.ofVirtual()
        .name("berth-exec-size")
        .start(
            () -> {
              sizing.lock();
              try {
                if (!resized && !exit.isDone()) {
                  attach.resize(size.rows(), size.columns());
                }
              } catch (BerthException e) {
                // ended meanwhile, or never took a resize: the prelude has set the size anyway
              } finally {
                sizing.unlock();
              }
            });
  }

  @Override
  public void signal(ProcessSignal signal) {
    if (!exit.isDone()) {
      MarkedProcesses.signal(engine, containerId, marker, signal.name(), 0);
    }
  }

  @Override
  public CompletableFuture<Integer> exit() {
    return exit;
  }

  @Override
  public void kill() {
    if (exit.isDone()) {
      return;
    }
    killed = true;
    Instant deadline = Instant.now().plus(START_GRACE);
    while (!MarkedProcesses.signal(engine, containerId, marker, "KILL", 0)
        && attach.running()
        && Instant.now().isBefore(deadline)) {
      // Nothing carries the marker yet, though the engine still runs the exec: it answers the
      // start before it has started the command, so a kill right after the start (an exec's short
      // timeout) can come first. Again, until the command is there or has ended.
      if (awaitAttachment(RETRY)) {
        break;
      }
    }
    if (!awaitAttachment(DRAIN)) {
      // A sink that does not take the rest (or a stream the engine keeps open): stop reading, and
      // interrupt a sink call in progress, so no call comes after the exit.
      attach.abort();
      awaitAttachment(DRAIN);
    }
    exit.complete(-1);
  }

  /**
   * The container stopped: the process is gone, and its stream should end on its own; when it has
   * not within {@link #DRAIN}, the attachment is dropped and the exit completes with -1.
   */
  void containerStopped() {
    if (!awaitAttachment(DRAIN)) {
      attach.abort();
      awaitAttachment(DRAIN);
      exit.complete(-1);
    }
  }

  @Override
  public void close() {
    kill();
    attach.close();
  }

  /** Whether the attachment ended (its last sink call returned) within {@code wait}. */
  private boolean awaitAttachment(Duration wait) {
    try {
      attach.exit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      return true; // ended broken: no sink call comes any more either
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return attach.exit().isDone();
    }
  }
}
