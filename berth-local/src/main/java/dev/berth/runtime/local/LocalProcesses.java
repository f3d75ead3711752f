package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.io.File;
import java.io.IOException;
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

/**
 * Starting and ending process trees for the local backend. An app is started in a session of its
 * own ({@code setsid}), so its process group holds all its children, and stopping it ends the whole
 * tree, even children that daemonized away from their parent. A process with a handle (an exec is
 * one, run to its end) is started the same way ({@link LocalPipes}, {@link LocalTerminal}) and
 * carries a marker of its own in its environment: a kill ends its descendants and every process
 * with its marker, daemonized or not ({@link #killExec}).
 */
final class LocalProcesses {
  private static final Path SETSID = findSetsid();

  /** The environment variable that tells one started process's tree from everyone else's. */
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
   * Ends a started process (a timed-out exec, a kill): the processes {@code known} (its tree as
   * found before anything was signalled, when the leader's children were still its descendants),
   * their descendants, and whatever carries its marker (children that daemonized away from it);
   * returns once they are gone. Twice, for a child forked while the first round ran.
   */
  static void killExec(List<ProcessHandle> known, String execId) {
    for (int round = 0; round < 2; round++) {
      List<ProcessHandle> all = new ArrayList<>(known);
      for (ProcessHandle h : known) {
        all.addAll(h.descendants().toList());
      }
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
}
