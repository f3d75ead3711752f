package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.util.concurrent.TimeUnit;

/**
 * Signals everything one exec started. The engine has no call to signal (or kill) an exec, so every
 * exec Berth starts carries a marker of its own in its environment ({@link
 * DockerExec#EXEC_MARKER}), which every process it starts inherits, even one that left the process
 * group; a second exec then sends the signal to the process group given (when known) and to every
 * process whose {@code /proc/<pid>/environ} has the marker. Needs {@code /bin/sh}, {@code tr} and
 * {@code grep} in the image (busybox has them).
 */
final class MarkedProcesses {
  private static final long WAIT_SECONDS = 10;

  private MarkedProcesses() {}

  /**
   * Sends {@code signal} (a name {@code kill} knows: {@code KILL}, {@code TERM}, {@code USR1}..) to
   * the process group {@code pid} (skipped when {@code pid <= 0}) and to every process of the
   * container marked with {@code marker}; returns once the second exec is done, or after {@value
   * #WAIT_SECONDS} seconds. Quiet when nothing is found: the processes may have ended meanwhile.
   */
  static void signal(
      DockerEngine engine, String containerId, String marker, String signal, long pid) {
    String line =
        (pid > 0 ? "kill -" + signal + " -" + pid + " " + pid + " 2>/dev/null; " : "")
            + "for d in /proc/[0-9]*; do"
            + " if tr '\\000' '\\n' < \"$d/environ\" 2>/dev/null | grep -qx '"
            + DockerExec.EXEC_MARKER
            + "="
            + marker
            + "'; then kill -"
            + signal
            + " \"${d#/proc/}\" 2>/dev/null; fi;"
            + " done; true";
    try {
      String id =
          engine
              .client
              .execCreateCmd(containerId)
              .withCmd("/bin/sh", "-c", line)
              .withAttachStdout(true)
              .withAttachStderr(true)
              .exec()
              .getId();
      engine
          .client
          .execStartCmd(id)
          .exec(new ResultCallback.Adapter<Frame>())
          .awaitCompletion(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // the container may have stopped meanwhile, and the processes with it
    }
  }
}
