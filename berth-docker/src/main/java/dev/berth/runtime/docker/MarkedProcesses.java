package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
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
   * #WAIT_SECONDS} seconds. Quiet when nothing is found (the processes may have ended meanwhile, or
   * not have started yet): false then, true when the signal reached at least one process.
   */
  static boolean signal(
      DockerEngine engine, String containerId, String marker, String signal, long pid) {
    String find =
        "m() { p=; for d in /proc/[0-9]*; do"
            + " if tr '\\000' '\\n' < \"$d/environ\" 2>/dev/null | grep -qx '"
            + DockerExec.EXEC_MARKER
            + "="
            + marker
            + "'; then p=\"$p ${d#/proc/}\"; fi; done; }; ";
    String group =
        pid > 0 ? "kill -" + signal + " -" + pid + " " + pid + " 2>/dev/null && echo hit; " : "";
    // A kill stops them all first, and what they forked meanwhile: killed one by one in the
    // order of /proc, a shell could see its child die and run on (its next command) before its
    // own KILL came, which a group kill never lets happen.
    String send =
        signal.equals("KILL")
            ? "m; all=$p; [ -z \"$all\" ] && exit 0; kill -STOP $all 2>/dev/null; m;"
                + " kill -STOP $p 2>/dev/null; kill -KILL $all $p 2>/dev/null; echo hit"
            : "m; [ -z \"$p\" ] && exit 0; kill -" + signal + " $p 2>/dev/null; echo hit";
    String line = find + group + send;
    var said = new StringBuffer();
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
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  if (frame.getStreamType() == StreamType.STDOUT && frame.getPayload() != null) {
                    said.append(new String(frame.getPayload(), StandardCharsets.US_ASCII));
                  }
                }
              })
          .awaitCompletion(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // the container may have stopped meanwhile, and the processes with it
    }
    return said.indexOf("hit") >= 0;
  }
}
