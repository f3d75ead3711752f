package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.TtySize;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts processes with handles in a running container ({@link DockerWorkspace#start}): an exec
 * created with docker-java and started through {@link ExecAttach}'s own hijacked socket, so stdin
 * has a real end-of-file, output streams to the sink with backpressure, and no pooled connection is
 * held while the process runs.
 *
 * <p>Every such exec carries its own {@link DockerExec#EXEC_MARKER}, for signals to the whole tree
 * ({@link MarkedProcesses}); that needs {@code /bin/sh} in the image, so an image without one gets
 * {@code UNSUPPORTED}. A terminal gets its size from a {@code stty} prelude before the command
 * runs: API 1.41 has no initial size on exec create, and a resize call right after start races with
 * a command that asks for its size at once ({@code stty size}); the resize call still follows, as
 * the docker CLI does it, without holding the start back ({@link DockerProcess#sizeOnceStarted}). A
 * start asks the engine only what it must before the exec starts: the container (once, see {@link
 * KnownContainers}), the exec create and the start itself. The same works under gVisor: nothing is
 * staged in files the sandbox might not see.
 */
final class DockerProcesses {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TTY_PRELUDE =
      "stty cols \"$1\" rows \"$2\" 2>/dev/null; shift 2; exec \"$@\"";
  private static final byte CONTROL_D = 0x04;

  private final DockerEngine engine;

  DockerProcesses(DockerEngine engine) {
    this.engine = engine;
  }

  /** An exec made for a start and not started yet, with the marker its processes carry. */
  record Created(String execId, String marker) {}

  /**
   * Starts {@code spec} in the running container {@code containerId} at {@code workingDir} (already
   * resolved and checked) with the environment {@code env} ({@code NAME=value}, the template's and
   * the spec's); returns once the engine runs it. {@link #create} then {@link #attach}.
   */
  DockerProcess start(
      String containerId,
      String workingDir,
      List<String> env,
      ProcessSpec spec,
      ProcessSink sink,
      boolean hasShell) {
    Objects.requireNonNull(sink, "sink");
    return attach(containerId, create(containerId, workingDir, env, spec, hasShell), spec, sink);
  }

  /**
   * Creates the exec for {@code spec} (see {@link #start}); nothing runs yet, so a failure here
   * leaves nothing behind and the start may be tried again.
   */
  Created create(
      String containerId, String workingDir, List<String> env, ProcessSpec spec, boolean hasShell) {
    ExecHandshake.unixSocket(engine); // UNSUPPORTED before anything is made
    if (!hasShell) {
      throw new BerthException(
          ErrorCode.UNSUPPORTED,
          "started processes need /bin/sh in the session's image (to signal and kill them)");
    }
    List<String> command = new ArrayList<>();
    if (spec.tty().isPresent()) {
      TtySize size = spec.tty().get();
      command.addAll(
          List.of(
              "/bin/sh",
              "-c",
              TTY_PRELUDE,
              "berth-tty",
              String.valueOf(size.columns()),
              String.valueOf(size.rows())));
    }
    command.addAll(spec.argv());
    String marker = Long.toUnsignedString(RANDOM.nextLong(), 36);
    List<String> markedEnv = new ArrayList<>();
    if (spec.tty().isPresent() && env.stream().noneMatch(e -> e.startsWith("TERM="))) {
      markedEnv.add("TERM=xterm-256color");
    }
    markedEnv.addAll(env);
    markedEnv.add(DockerExec.EXEC_MARKER + "=" + marker);
    boolean withStdin = !(spec.stdin() instanceof StdinMode.None);
    try {
      String execId =
          engine
              .client
              .execCreateCmd(containerId)
              .withCmd(command.toArray(String[]::new))
              .withWorkingDir(workingDir)
              .withEnv(markedEnv)
              .withTty(spec.tty().isPresent())
              .withAttachStdin(withStdin)
              .withAttachStdout(true)
              .withAttachStderr(true)
              .exec()
              .getId();
      return new Created(execId, marker);
    } catch (RuntimeException e) {
      throw DockerEngine.failure("create exec of '" + spec.argv().get(0) + "'", e);
    }
  }

  /**
   * Starts the exec {@link #create} made for {@code spec} in {@code containerId}, attached, with
   * its output to {@code sink}. The exec is fresh and its TTY setting known, so it is started
   * without inspecting it first ({@link ExecAttach#startCreated}).
   */
  DockerProcess attach(String containerId, Created exec, ProcessSpec spec, ProcessSink sink) {
    Objects.requireNonNull(sink, "sink");
    ExecAttach attach =
        ExecAttach.startCreated(engine, exec.execId(), spec.tty().isPresent(), sink);
    var process =
        new DockerProcess(
            engine, containerId, exec.marker(), attach, spec.stdin() instanceof StdinMode.Open);
    spec.tty().ifPresent(process::sizeOnceStarted);
    ContainerStops.watch(engine, containerId, process);
    if (spec.stdin() instanceof StdinMode.Bytes bytes) {
      feed(attach, bytes.data(), spec.tty().isPresent());
    }
    return process;
  }

  /**
   * Writes the bytes and then ends stdin, on a thread of its own: the process may write output
   * before it reads all of its input, and that output needs the caller's sink to drain.
   */
  private static void feed(ExecAttach attach, byte[] data, boolean tty) {
    Thread.ofVirtual()
        .name("berth-exec-stdin")
        .start(
            () -> {
              OutputStream in = attach.stdin();
              try {
                in.write(data);
                if (tty) {
                  in.write(CONTROL_D); // a terminal's end-of-file, see DockerProcess.closeStdin
                } else {
                  in.close();
                }
              } catch (IOException e) {
                // the process ended before it read everything: what it did not read is moot
              }
            });
  }
}
