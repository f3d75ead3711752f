package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.TtySize;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle of a process started in a pod ({@link PodProcesses#start}): one exec WebSocket for its
 * stdin, output, terminal size and exit status; signals and kills by a second exec on its marker.
 *
 * <p>Its exit is the exec's status once the last output frame reached the sink (fabric8 reports the
 * status after the frames before it), or -1 when the WebSocket ended without one (the pod went) or
 * Berth killed it. A stopped or deleted session's pod takes its execs with it, so they end there.
 */
final class PodProcess implements StartedProcess {
  private static final Logger LOG = LoggerFactory.getLogger(PodProcess.class);

  /** A terminal's end-of-file character, as a user types it: {@code ^D}. */
  private static final byte EOF = 0x04;

  /** How long an ending process waits for a sink call in progress to give up. */
  private static final Duration SINK_GRACE = Duration.ofSeconds(5);

  /** How long a kill looks for a command the kubelet has not started yet, and how often. */
  private static final Duration START_GRACE = Duration.ofSeconds(10);

  private static final Duration RETRY = Duration.ofMillis(100);

  private final PodProcesses processes;
  private final PodFiles.Target target;
  private final String marker;
  private final ExecWatch watch;
  private final ProcessSpec spec;
  private final SinkOutput out;
  private final SinkOutput err;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicBoolean killed = new AtomicBoolean();
  private final Object stdin = new Object();
  private boolean stdinClosed;

  PodProcess(
      PodProcesses processes,
      PodFiles.Target target,
      String marker,
      ExecWatch watch,
      ProcessSpec spec,
      SinkOutput out,
      SinkOutput err) {
    this.processes = processes;
    this.target = target;
    this.marker = marker;
    this.watch = watch;
    this.spec = spec;
    this.out = out;
    this.err = err;
    watch
        .exitCode()
        .whenComplete((code, failure) -> ended(killed.get() || code == null ? -1 : code));
  }

  /**
   * Right after the exec: the terminal's size (kubectl sends it first, too), then what stdin gets
   * at once: {@link StdinMode.Bytes} (in a terminal typed, then {@code ^D}), or in a terminal with
   * {@link StdinMode.None} a {@code ^D} alone.
   */
  void begin() {
    boolean tty = spec.tty().isPresent();
    try {
      spec.tty().ifPresent(size -> watch.resize(size.columns(), size.rows()));
      byte[] first = spec.stdin() instanceof StdinMode.Bytes b ? b.data() : new byte[0];
      boolean typedEof = tty && !(spec.stdin() instanceof StdinMode.Open);
      if (first.length > 0 || typedEof) {
        OutputStream in = watch.getInput();
        in.write(first);
        if (typedEof) {
          if (first.length > 0 && first[first.length - 1] != '\n') {
            in.write(EOF); // the first ^D hands over the unfinished line, the second ends input
          }
          in.write(EOF);
        }
        in.flush();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw KubeFailures.failure("give '" + spec.argv().get(0) + "' its input", e);
    }
  }

  private void ended(int code) {
    out.end(SINK_GRACE);
    err.end(SINK_GRACE);
    exit.complete(code);
    watch.close();
  }

  @Override
  public void write(byte[] data, int offset, int length) {
    if (!(spec.stdin() instanceof StdinMode.Open)) {
      throw BerthException.badRequest(
          "this process's stdin is not open: start it with stdin open to write to it");
    }
    synchronized (stdin) {
      if (exit.isDone()) {
        throw BerthException.conflict("the process has ended; its stdin is gone");
      }
      if (stdinClosed) {
        throw BerthException.conflict("the process's stdin was closed");
      }
      try {
        watch.getInput().write(data, offset, length);
        watch.getInput().flush();
      } catch (IOException | RuntimeException e) {
        if (exit.isDone()) {
          throw BerthException.conflict("the process has ended; its stdin is gone");
        }
        throw KubeFailures.failure("write to the stdin of '" + spec.argv().get(0) + "'", e);
      }
    }
  }

  @Override
  public void closeStdin() {
    if (exit.isDone() || !(spec.stdin() instanceof StdinMode.Open)) {
      return; // other modes end stdin by themselves
    }
    if (spec.tty().isEmpty()) {
      throw new BerthException(
          ErrorCode.UNSUPPORTED,
          "kubernetes cannot close the stdin of a process without a terminal: the exec protocol"
              + " (v4.channel.k8s.io) has no end-of-file for stdin. Start it with a terminal"
              + " (closing stdin then types ^D), or give its input as bytes up front (read, then"
              + " end-of-file)");
    }
    synchronized (stdin) {
      if (stdinClosed || exit.isDone()) {
        return;
      }
      stdinClosed = true;
      try {
        watch.getInput().write(EOF);
        watch.getInput().flush();
      } catch (IOException | RuntimeException e) {
        if (!exit.isDone()) {
          throw KubeFailures.failure("close the stdin of '" + spec.argv().get(0) + "'", e);
        }
      }
    }
  }

  @Override
  public void resize(TtySize size) {
    if (spec.tty().isEmpty()) {
      throw BerthException.badRequest("the process has no terminal to resize");
    }
    if (exit.isDone()) {
      return;
    }
    try {
      watch.resize(size.columns(), size.rows());
    } catch (RuntimeException e) {
      if (!exit.isDone()) {
        throw KubeFailures.failure("resize the terminal of '" + spec.argv().get(0) + "'", e);
      }
    }
  }

  @Override
  public void signal(ProcessSignal signal) {
    if (!exit.isDone() && !processes.signal(target, marker, signal.number()) && !exit.isDone()) {
      LOG.debug("signal {} found no process of {} in pod {}", signal, marker, target.pod());
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
    killed.set(true);
    try {
      Instant deadline = Instant.now().plus(START_GRACE);
      PodProcesses.Kill outcome;
      while ((outcome = processes.killAll(target, marker)) == PodProcesses.Kill.NONE_FOUND
          && !watch.exitCode().isDone()
          && Instant.now().isBefore(deadline)) {
        // Nothing carries the marker, though the exec is still open: the API server answers the
        // exec's upgrade before the command runs, so a kill right after the start (an exec's
        // short timeout) can come first. Again, until the command is there or the exec has ended.
        if (awaitExec(RETRY)) {
          break;
        }
      }
      if (outcome == PodProcesses.Kill.OUTLIVED) {
        LOG.warn("processes of {} in pod {} outlived their kill", marker, target.pod());
      }
    } catch (RuntimeException e) {
      // the pod may be gone, and the process with it; nothing more to do
      LOG.debug("kill of {} in pod {}: {}", marker, target.pod(), KubeFailures.reason(e));
    }
    ended(-1);
  }

  @Override
  public void close() {
    kill();
    watch.close();
  }

  /** Whether the exec's status came within {@code wait}. */
  private boolean awaitExec(Duration wait) {
    try {
      watch.exitCode().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
