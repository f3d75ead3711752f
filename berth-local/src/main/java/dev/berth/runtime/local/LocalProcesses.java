package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ExecCancellation;
import dev.berth.runtime.ExecResult;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starting and ending process trees for the local backend. An app is started in a session of its
 * own ({@code setsid}), so its process group holds all its children, and stopping it ends the whole
 * tree, even children that daemonized away from their parent. A short command (exec) is started
 * directly, without the extra {@code setsid} exec (about 1 ms of a 2 ms call), and carries a marker
 * of its own in its environment: a timeout ends its descendants and every process with its marker,
 * daemonized or not.
 */
final class LocalProcesses {
  private static final Path SETSID = findSetsid();

  /** The environment variable that tells one exec's processes from everyone else's. */
  static final String EXEC_MARKER = "BERTH_EXEC_ID";

  private LocalProcesses() {}

  private static Path findSetsid() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
      Path p = Path.of(dir, "setsid");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static List<String> inOwnSession(List<String> argv) {
    if (SETSID == null) {
      return argv; // still stopped through ProcessHandle.descendants(), just less thoroughly
    }
    List<String> out = new ArrayList<>();
    out.add(SETSID.toString());
    out.addAll(argv);
    return out;
  }

  /** Starts a long-running app with its output appended to {@code log}. */
  static Process startApp(List<String> argv, Path cwd, Map<String, String> env, Path log) {
    var pb = new ProcessBuilder(inOwnSession(argv)).directory(cwd.toFile());
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectErrorStream(true);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot start " + argv.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** The live process with this pid, if it is the one started at {@code startedAt}. */
  static Optional<ProcessHandle> find(long pid, Optional<Instant> startedAt) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        // A pid is reused after its process ends; the start time tells ours from a stranger.
        .filter(
            h ->
                startedAt.isEmpty()
                    || h.info().startInstant().map(s -> s.equals(startedAt.get())).orElse(true));
  }

  /**
   * Processes whose environment carries {@code name=value}: the local backend's stand-in for a
   * container label. Every app and exec of a session gets the session's marker, so a destroy finds
   * them even when the recorded pid is lost or stale. Linux only (reads /proc); elsewhere empty.
   */
  static List<ProcessHandle> findByEnvironment(String name, String value) {
    byte[] wanted = (name + "=" + value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<ProcessHandle> out = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              try {
                byte[] env =
                    Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
                if (containsEntry(env, wanted)) {
                  out.add(p);
                }
              } catch (IOException | RuntimeException e) {
                // gone already, or not ours to read
              }
            });
    return out;
  }

  private static boolean containsEntry(byte[] environ, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length
            && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** TERM to the whole group, then KILL after {@code grace}. Returns once all are gone. */
  static void killTree(ProcessHandle leader, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>(leader.descendants().toList());
    all.add(leader);
    signalGroup(leader.pid(), "TERM");
    all.forEach(ProcessHandle::destroy);
    Instant deadline = Instant.now().plus(grace);
    for (ProcessHandle h : all) {
      long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      try {
        h.onExit().get(left, TimeUnit.MILLISECONDS);
      } catch (Exception timeoutOrInterrupt) {
        break;
      }
    }
    signalGroup(leader.pid(), "KILL");
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // A process stuck in the kernel (D state) cannot be waited for; nothing more to do.
      }
    }
  }

  /**
   * Ends a timed-out exec: its descendants, and whatever carries its marker (children that
   * daemonized away from it). Twice, for a child forked while the first round ran.
   */
  static void killExec(ProcessHandle leader, String execId) {
    for (int round = 0; round < 2; round++) {
      List<ProcessHandle> all = new ArrayList<>(leader.descendants().toList());
      all.add(leader);
      all.addAll(findByEnvironment(EXEC_MARKER, execId));
      all.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle h : all) {
        try {
          h.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          // stuck in the kernel (D state): nothing more to do
        }
      }
    }
  }

  static void signalGroup(long pgid, String signal) {
    if (SETSID == null) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // no kill binary: ProcessHandle.destroy above still reaches the direct tree
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs a command to completion (or timeout, or until {@code cancellation} ends it), capturing
   * bounded output. A command that timed out or was ended is killed with everything it started
   * before this returns.
   */
  static ExecResult run(
      List<String> argv,
      Path cwd,
      Map<String, String> env,
      byte[] stdin,
      Duration timeout,
      int maxOutput,
      ExecCancellation cancellation) {
    Instant started = Instant.now();
    var pb = new ProcessBuilder(argv).directory(cwd.toFile());
    pb.environment().putAll(env);
    String execId = java.util.UUID.randomUUID().toString();
    pb.environment().put(EXEC_MARKER, execId);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw BerthException.badRequest("cannot run '" + argv.get(0) + "': " + e.getMessage());
    }
    var out = new BoundedCapture(process.getInputStream(), maxOutput);
    var err = new BoundedCapture(process.getErrorStream(), maxOutput);
    Thread feeder = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), stdin));
    boolean finished;
    try {
      finished = cancellation.await(process.onExit(), timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      killExec(process.toHandle(), execId);
    }
    out.join();
    err.join();
    feeder.interrupt();
    return new ExecResult(
        finished ? process.exitValue() : -1,
        out.bytes(),
        err.bytes(),
        out.total(),
        err.total(),
        !finished && !cancellation.isCancelled(),
        Duration.between(started, Instant.now()));
  }

  private static void feed(OutputStream stdin, byte[] data) {
    try (stdin) {
      stdin.write(data);
    } catch (IOException e) {
      // the command closed its stdin early; that's its business
    }
  }

  /** The exit code of a child we started; the JVM's reaper may need a moment to record it. */
  static OptionalInt exitCode(Process known) {
    if (known == null) {
      return OptionalInt.empty(); // started by an earlier Berth process: only liveness is known
    }
    try {
      return known.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)
          ? OptionalInt.of(known.exitValue())
          : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  /** Reads a stream to its end on a virtual thread, keeping the first {@code max} bytes. */
  private static final class BoundedCapture {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final AtomicLong total = new AtomicLong();
    private final Thread reader;

    BoundedCapture(InputStream in, int max) {
      reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] buf = new byte[8192];
                    try (in) {
                      int n;
                      while ((n = in.read(buf)) > 0) {
                        long before = total.getAndAdd(n);
                        if (before < max) {
                          synchronized (kept) {
                            kept.write(buf, 0, (int) Math.min(n, max - before));
                          }
                        }
                      }
                    } catch (IOException e) {
                      // stream closed when the process was killed
                    }
                  });
    }

    void join() {
      try {
        reader.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    byte[] bytes() {
      synchronized (kept) {
        return kept.toByteArray();
      }
    }

    long total() {
      return total.get();
    }
  }
}
