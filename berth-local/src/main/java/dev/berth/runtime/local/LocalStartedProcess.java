package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessStream;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.TtySize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process the local backend started with a handle, behind pipes ({@link LocalPipes}) or a
 * terminal ({@link LocalTerminal}). It leads a process group of its own and carries a marker of its
 * own in its environment ({@link LocalProcesses#EXEC_MARKER}), so a signal or a kill reaches its
 * whole tree: the group, and whatever left the group but kept the marker (an interactive shell's
 * jobs, a daemon that called setsid).
 *
 * <p>Each output stream is read on a thread of its own; the sink calls are serialized by one lock,
 * so the sink sees one call at a time, in order per stream, and a call that blocks stops the
 * reading (backpressure). {@link #exit} completes once the process ended and both readers reached
 * end-of-file, or {@link #OUTPUT_AFTER_EXIT} after the process ended while a child it left running
 * (a server started with {@code &}) still holds its output open: a Docker exec's stream ends the
 * same way, 2 s after its process. What such a child writes later is read and dropped, so it does
 * not die of a broken pipe.
 */
final class LocalStartedProcess implements StartedProcess {
  private static final Logger log = LoggerFactory.getLogger(LocalStartedProcess.class);

  /** The terminal's end-of-file character (VEOF), what a user types to end a terminal's input. */
  private static final int END_OF_TRANSMISSION = 0x04;

  /** How long output may follow the process's own end (what children it left still write). */
  static final Duration OUTPUT_AFTER_EXIT = Duration.ofSeconds(5);

  private final Process process;
  private final long pid;
  private final String marker;
  private final StdinMode stdinMode;
  private final Optional<Consumer<TtySize>> terminal;
  private final OutputStream stdin;
  private final ReentrantLock stdinLock = new ReentrantLock();
  private final ReentrantLock sinkLock = new ReentrantLock();
  private final List<Thread> readers = new ArrayList<>();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicBoolean killed = new AtomicBoolean();
  private volatile boolean stdinClosed;
  private volatile boolean ended;

  /**
   * @param process started, the leader of its own process group
   * @param marker the value of its {@link LocalProcesses#EXEC_MARKER}
   * @param terminal resizes its terminal; empty for pipes
   * @param readerThreads where the output readers (and the feeder of stdin bytes) run: virtual
   *     threads for JDK pipes, platform threads for a terminal, whose reads and writes are native
   *     calls that would pin a virtual thread's carrier while they block
   * @param onEnd called once, after {@link #exit} completed
   */
  LocalStartedProcess(
      Process process,
      String marker,
      StdinMode stdinMode,
      Optional<Consumer<TtySize>> terminal,
      ThreadFactory readerThreads,
      ProcessSink sink,
      Runnable onEnd) {
    this.process = process;
    this.pid = process.pid();
    this.marker = marker;
    this.stdinMode = stdinMode;
    this.terminal = terminal;
    this.stdin = process.getOutputStream();
    readers.add(
        readerThreads.newThread(() -> pump(process.getInputStream(), ProcessStream.STDOUT, sink)));
    if (terminal.isEmpty()) {
      readers.add(
          readerThreads.newThread(
              () -> pump(process.getErrorStream(), ProcessStream.STDERR, sink)));
    }
    readers.forEach(Thread::start);
    switch (stdinMode) {
      case StdinMode.None none -> closeStdin();
      case StdinMode.Bytes bytes -> readerThreads.newThread(() -> feed(bytes.data())).start();
      case StdinMode.Open open -> {}
    }
    Thread.ofVirtual()
        .name("berth-process-" + pid)
        .start(
            () -> {
              int code = waitForLeader();
              long deadline = System.nanoTime() + OUTPUT_AFTER_EXIT.toNanos();
              for (Thread reader : readers) {
                joinQuietly(reader, deadline);
              }
              finish(code);
              onEnd.run();
            });
  }

  private void pump(InputStream in, ProcessStream stream, ProcessSink sink) {
    byte[] buffer = new byte[16 * 1024];
    boolean deliver = true;
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n == 0 || !deliver) {
          continue; // a sink that failed: keep draining so the process is not stuck on a full pipe
        }
        sinkLock.lockInterruptibly();
        try {
          if (ended) {
            deliver = false; // drained and dropped from now on: see the class comment
            continue;
          }
          sink.output(stream, buffer, 0, n);
        } catch (RuntimeException e) {
          log.warn("process {}: its output sink failed; dropping the rest", pid, e);
          deliver = false;
        } finally {
          sinkLock.unlock();
        }
      }
    } catch (IOException e) {
      // end of the stream: a terminal answers EIO once its last user closed it
    } catch (InterruptedException e) {
      // killed while the sink held us back: what remains is dropped
    } finally {
      // A terminal's streams are its pty master, one for both ways: closing it hangs the terminal
      // up, and a shell still running dies of SIGHUP (exit 129). A read may end before the
      // process does (EIO while no one holds the terminal's slave side open), so the master is
      // closed only by finish(), once the leader has been reaped. A pipe is ours alone to close.
      if (terminal.isEmpty()) {
        closeQuietly(in);
      }
    }
  }

  private void feed(byte[] data) {
    try {
      stdinLock.lock();
      try {
        stdin.write(data);
        stdin.flush();
      } finally {
        stdinLock.unlock();
      }
    } catch (IOException e) {
      // the process closed its stdin early; that's its business
    }
    closeStdin();
  }

  private int waitForLeader() {
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        // this thread is ours alone; keep waiting
      }
    }
  }

  /** Completes {@link #exit} once; no sink call runs or follows after it. */
  private void finish(int code) {
    boolean locked = false;
    try {
      // A reader stuck in the sink must not keep the exit from completing forever.
      locked = sinkLock.tryLock(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      ended = true;
    } finally {
      if (locked) {
        sinkLock.unlock();
      }
    }
    closeQuietly(stdin); // a terminal's master too: the leader has been reaped (or killed)
    exit.complete(killed.get() ? -1 : code);
  }

  @Override
  public void write(byte[] data, int offset, int length) {
    if (!(stdinMode instanceof StdinMode.Open)) {
      throw BerthException.badRequest(
          "this process's stdin is not open for writing (start it with stdin open)");
    }
    if (stdinClosed || exit.isDone()) {
      throw new BerthException(ErrorCode.CONFLICT, "process " + pid + " takes no more input");
    }
    stdinLock.lock();
    try {
      stdin.write(data, offset, length);
      stdin.flush();
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.CONFLICT, "process " + pid + " no longer reads its input: " + e.getMessage());
    } finally {
      stdinLock.unlock();
    }
  }

  @Override
  public void closeStdin() {
    if (exit.isDone()) {
      return;
    }
    stdinLock.lock();
    try {
      if (terminal.isPresent()) {
        stdin.write(END_OF_TRANSMISSION); // each call one ^D, as typed: a shell may read on
        stdin.flush();
      } else if (!stdinClosed) {
        stdinClosed = true;
        stdin.close();
      }
    } catch (IOException e) {
      // already gone: its input is as closed as it gets
    } finally {
      stdinLock.unlock();
    }
  }

  @Override
  public void resize(TtySize size) {
    Consumer<TtySize> resizer =
        terminal.orElseThrow(
            () -> BerthException.badRequest("process " + pid + " has no terminal to resize"));
    if (!exit.isDone()) {
      resizer.accept(size);
    }
  }

  @Override
  public void signal(ProcessSignal signal) {
    if (exit.isDone()) {
      return;
    }
    String number = Integer.toString(signal.number());
    LocalProcesses.signalGroup(pid, number);
    // Processes of the tree outside the group (moved to a group or session of their own) get it
    // one by one; the group's own members got it already and must not get it twice.
    List<Long> outside = new ArrayList<>();
    List<ProcessHandle> all = tree();
    ProcessHandle.of(pid).ifPresent(all::add);
    for (ProcessHandle h : all) {
      if (processGroup(h.pid()) != pid) {
        outside.add(h.pid());
      }
    }
    signalEach(outside, number);
  }

  private static void signalEach(List<Long> pids, String number) {
    if (pids.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-" + number, "--"));
    pids.forEach(p -> command.add(Long.toString(p)));
    try {
      new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      log.warn("cannot signal processes {}: {}", pids, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The leader's descendants, and every process carrying this process's marker. */
  private List<ProcessHandle> tree() {
    List<ProcessHandle> all = new ArrayList<>();
    ProcessHandle.of(pid).ifPresent(h -> all.addAll(h.descendants().toList()));
    for (ProcessHandle h : LocalProcesses.findByEnvironment(LocalProcesses.EXEC_MARKER, marker)) {
      if (all.stream().noneMatch(known -> known.pid() == h.pid())) {
        all.add(h);
      }
    }
    return all;
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
    // Found first: once the leader is killed its children are orphans, no one's descendants, and
    // a kill that did not wait for each of them could return while one still lives.
    List<ProcessHandle> known = tree();
    ProcessHandle.of(pid).ifPresent(known::add);
    LocalProcesses.signalGroup(pid, "KILL");
    LocalProcesses.killExec(known, marker);
    awaitExit(Duration.ofSeconds(5));
    if (!exit.isDone()) {
      readers.forEach(Thread::interrupt); // a sink that holds the output back
      awaitExit(Duration.ofSeconds(2));
    }
    // Something still holds the output open (a process that escaped its group and its marker):
    // the handle lets go of it; the leader itself is dead.
    finish(-1);
  }

  private void awaitExit(Duration wait) {
    try {
      exit.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception timeoutOrInterrupt) {
      if (timeoutOrInterrupt instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    kill();
    closeQuietly(stdin);
  }

  /** The process group of {@code pid} (from /proc), or -1 once it is gone. */
  private static long processGroup(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]); // state, ppid, pgrp
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Joins {@code thread}, waiting no later than {@code deadline} ({@link System#nanoTime}). */
  private static void joinQuietly(Thread thread, long deadline) {
    boolean interrupted = false;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        thread.join(Duration.ofNanos(left));
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // gone with the process
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // gone with the process
    }
  }
}
