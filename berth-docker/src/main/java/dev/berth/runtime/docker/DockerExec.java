package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ExecCancellation;
import dev.berth.runtime.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Runs one command in a running container through docker-java's exec API, with bounded output and a
 * timeout that kills. A session's one-shot exec is a started process ({@link DockerProcesses})
 * where Berth can attach to the engine's execs itself; this runs it where it cannot (an engine not
 * on a unix socket, an image without {@code /bin/sh}; see {@link DockerWorkspace#exec}), and runs
 * {@link FileCommands}' commands in a running container.
 *
 * <p>The engine has no call to kill an exec, so when the image has {@code /bin/sh} the command runs
 * behind a one-line prelude that reports its pid on the first line of stderr (stripped from the
 * result) before becoming the command, and every exec carries a marker of its own in its
 * environment ({@code BERTH_EXEC_ID}). On timeout Berth waits until the command has started (a
 * short timeout can end before the engine starts it), then a second exec kills the command's
 * process group and every process with the marker, so children that left the group die too. Without
 * {@code /bin/sh} the command runs bare and a timeout only stops waiting for it. An exec a
 * lifecycle operation ends ({@link ExecCancellation}) is killed the same way as one that timed out.
 *
 * <p>Standard input is not streamed: docker-java's HTTP transport cannot half-close the hijacked
 * connection, so the command would never see end-of-file. The bytes are put into the container as a
 * file under {@code /tmp} (owned by the container's user) and the prelude redirects from it and
 * removes it. In a gVisor container {@code /tmp} is a tmpfs of gVisor's own kernel and its root
 * file system is cached by gVisor, so a file the engine puts there is never seen inside; such a
 * container gets the file in its workspace volume instead (a mount gVisor revalidates), under a
 * hidden name that lives only until the prelude opens it.
 */
final class DockerExec {
  private static final String PRELUDE =
      "echo $$ >&2; if [ -n \"$1\" ]; then exec <\"$1\"; rm -f \"$1\"; fi; shift; exec \"$@\"";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration EXIT_CODE_WAIT = Duration.ofSeconds(5);

  /** How long a timed-out exec waits for the command to start before killing it. */
  private static final Duration START_GRACE = Duration.ofSeconds(10);

  /** The environment variable that marks every process of one exec, for the kill on timeout. */
  static final String EXEC_MARKER = "BERTH_EXEC_ID";

  private final DockerEngine engine;

  DockerExec(DockerEngine engine) {
    this.engine = engine;
  }

  ExecResult run(
      String containerId,
      ContainerUsers.Owner owner,
      List<String> argv,
      String workingDir,
      List<String> env,
      byte[] stdin,
      Duration timeout,
      int maxOutput,
      boolean hasShell,
      ExecCancellation cancellation) {
    return run(
        containerId,
        owner,
        argv,
        workingDir,
        env,
        stdin,
        Optional.empty(),
        timeout,
        maxOutput,
        hasShell,
        cancellation);
  }

  /**
   * As above; {@code stdinDirectory} is where the stdin file is staged when {@code /tmp} would not
   * do (a gVisor container's workspace), empty for {@code /tmp}.
   */
  ExecResult run(
      String containerId,
      ContainerUsers.Owner owner,
      List<String> argv,
      String workingDir,
      List<String> env,
      byte[] stdin,
      Optional<String> stdinDirectory,
      Duration timeout,
      int maxOutput,
      boolean hasShell,
      ExecCancellation cancellation) {
    Instant started = Instant.now();
    if (cancellation.isCancelled()) {
      return new ExecResult(-1, new byte[0], new byte[0], 0, 0, false, Duration.ZERO);
    }
    List<String> command = new ArrayList<>();
    if (hasShell) {
      String stdinFile =
          stdin.length == 0
              ? ""
              : stdinDirectory
                  .map(dir -> stageStdinIn(containerId, owner, stdin, dir))
                  .orElseGet(() -> stageStdin(containerId, owner, stdin));
      command.addAll(List.of("/bin/sh", "-c", PRELUDE, "berth-exec", stdinFile));
    } else if (stdin.length > 0) {
      throw new BerthException(
          ErrorCode.UNSUPPORTED, "exec with stdin needs /bin/sh in the session's image");
    }
    command.addAll(argv);
    String marker = Long.toUnsignedString(RANDOM.nextLong(), 36);
    List<String> markedEnv = new ArrayList<>(env);
    markedEnv.add(EXEC_MARKER + "=" + marker);
    String execId;
    try {
      execId =
          engine
              .client
              .execCreateCmd(containerId)
              .withCmd(command.toArray(String[]::new))
              .withWorkingDir(workingDir)
              .withEnv(markedEnv)
              .withAttachStdout(true)
              .withAttachStderr(true)
              .exec()
              .getId();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("create exec of '" + argv.get(0) + "'", e);
    }
    var capture = new Capture(maxOutput, hasShell);
    var start = engine.client.execStartCmd(execId);
    boolean finished;
    try {
      start.exec(capture);
      finished = cancellation.await(capture.ended, timeout);
      if (finished) {
        capture.awaitCompletion(0, TimeUnit.MILLISECONDS); // rethrows the stream's error, if any
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    } catch (RuntimeException e) {
      throw DockerEngine.failure("run '" + argv.get(0) + "'", e);
    }
    if (!finished && hasShell) {
      awaitStart(execId, capture);
      kill(containerId, capture.awaitPid(Duration.ZERO), marker);
    }
    try {
      capture.close();
    } catch (IOException e) {
      // the stream is finished or abandoned either way
    }
    int exitCode = finished ? exitCode(execId) : -1;
    return new ExecResult(
        exitCode,
        capture.stdout.bytes(),
        capture.stderr.bytes(),
        capture.stdout.total,
        capture.stderr.total,
        !finished && !cancellation.isCancelled(),
        Duration.between(started, Instant.now()));
  }

  /** Puts {@code stdin} into the container as a file only the exec's user reads; its path. */
  private String stageStdin(String containerId, ContainerUsers.Owner owner, byte[] stdin) {
    boolean hasTmp = engine.stat(containerId, "/tmp").isPresent();
    return stage(containerId, owner, stdin, "/", "tmp/", !hasTmp);
  }

  /** Puts {@code stdin} into the existing directory {@code dir} as a hidden file; its path. */
  private String stageStdinIn(
      String containerId, ContainerUsers.Owner owner, byte[] stdin, String dir) {
    return stage(containerId, owner, stdin, dir.endsWith("/") ? dir : dir + "/", "", false);
  }

  /**
   * Copies {@code stdin} to {@code remoteDir + entryDir} as a hidden 0600 file of {@code owner},
   * making {@code entryDir} (world-writable and sticky, as /tmp is) when {@code makeEntryDir}; the
   * file's path in the container.
   */
  private String stage(
      String containerId,
      ContainerUsers.Owner owner,
      byte[] stdin,
      String remoteDir,
      String entryDir,
      boolean makeEntryDir) {
    String name = entryDir + ".berth-stdin-" + Long.toUnsignedString(RANDOM.nextLong(), 36);
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      if (makeEntryDir) {
        var dir = new TarArchiveEntry(entryDir);
        dir.setMode(01777);
        out.putArchiveEntry(dir);
        out.closeArchiveEntry();
      }
      var file = new TarArchiveEntry(name);
      file.setUserId(owner.uid());
      file.setGroupId(owner.gid());
      file.setSize(stdin.length);
      file.setMode(0600);
      out.putArchiveEntry(file);
      out.write(stdin);
      out.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      engine
          .client
          .copyArchiveToContainerCmd(containerId)
          .withRemotePath(remoteDir)
          .withTarInputStream(new ByteArrayInputStream(tar.toByteArray()))
          .exec();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("pass stdin to the command", e);
    }
    return remoteDir + name;
  }

  /** The exit code, once the engine has noticed the end (it can lag the stream's end by a bit). */
  private int exitCode(String execId) {
    Instant deadline = Instant.now().plus(EXIT_CODE_WAIT);
    while (true) {
      InspectExecResponse info = engine.client.inspectExecCmd(execId).exec();
      if (!Boolean.TRUE.equals(info.isRunning()) && info.getExitCodeLong() != null) {
        return info.getExitCodeLong().intValue();
      }
      if (Instant.now().isAfter(deadline)) {
        return -1;
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Waits, up to {@link #START_GRACE}, until the command has started: a short timeout on a busy
   * engine can end before the engine has even started it, and a kill then would find nothing and
   * leave the command to run for good once it starts.
   */
  private void awaitStart(String execId, Capture capture) {
    Instant deadline = Instant.now().plus(START_GRACE);
    while (capture.awaitPid(Duration.ofMillis(50)) <= 0
        && Instant.now().isBefore(deadline)
        && !Thread.currentThread().isInterrupted()) {
      try {
        InspectExecResponse info = engine.client.inspectExecCmd(execId).exec();
        if (Boolean.TRUE.equals(info.isRunning()) || info.getExitCodeLong() != null) {
          return;
        }
      } catch (RuntimeException e) {
        return; // the engine cannot say: kill what can be found now
      }
    }
  }

  /**
   * Kills the command's process group ({@code pid}, when the prelude reported it) and every process
   * that carries the exec's marker in its environment: children that left the group, and a command
   * whose pid line never arrived.
   */
  private void kill(String containerId, long pid, String marker) {
    MarkedProcesses.signal(engine, containerId, marker, "KILL", pid);
  }

  /** Output kept up to a bound per stream, everything counted. */
  static final class Bounded {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int max;
    long total;

    Bounded(int max) {
      this.max = max;
    }

    synchronized void add(byte[] data, int from, int length) {
      if (total < max) {
        kept.write(data, from, (int) Math.min(length, max - total));
      }
      total += length;
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }
  }

  private static final class Capture extends ResultCallback.Adapter<Frame> {
    final Bounded stdout;
    final Bounded stderr;
    private final ByteArrayOutputStream pidLine = new ByteArrayOutputStream();
    private boolean pidDone;
    private volatile long pid;
    private final CountDownLatch pidKnown;

    /**
     * Completes when the engine ends the output stream: the command ended (or the stream broke).
     */
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    Capture(int max, boolean expectPid) {
      stdout = new Bounded(max);
      stderr = new Bounded(max);
      pidDone = !expectPid;
      pidKnown = new CountDownLatch(expectPid ? 1 : 0);
    }

    /** The command's pid once reported, waiting up to {@code wait}; 0 or less when unknown. */
    long awaitPid(Duration wait) {
      try {
        pidKnown.await(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return pid;
    }

    @Override
    public void onComplete() {
      super.onComplete();
      ended.complete(null);
    }

    @Override
    public void onError(Throwable throwable) {
      super.onError(throwable);
      ended.complete(null);
    }

    @Override
    public void onNext(Frame frame) {
      byte[] payload = frame.getPayload();
      if (payload == null || payload.length == 0) {
        return;
      }
      if (frame.getStreamType() == StreamType.STDERR) {
        int from = 0;
        synchronized (this) {
          if (!pidDone) {
            while (from < payload.length && payload[from] != '\n') {
              pidLine.write(payload[from++]);
            }
            if (from < payload.length) {
              from++; // the newline
              pidDone = true;
              try {
                pid = Long.parseLong(pidLine.toString(StandardCharsets.US_ASCII).trim());
              } catch (NumberFormatException e) {
                pid = -1;
              }
              pidKnown.countDown();
            }
          }
        }
        if (from < payload.length) {
          stderr.add(payload, from, payload.length - from);
        }
      } else {
        stdout.add(payload, 0, payload.length);
      }
    }
  }
}
