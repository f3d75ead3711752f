package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a process with a handle behind plain pipes: {@code ProcessBuilder} under {@code setsid},
 * so the process leads a group and a session of its own and a signal to the group reaches all it
 * started.
 */
final class LocalPipes {
  private LocalPipes() {}

  /**
   * @param env the whole environment to add to Berth's own: the session's, the spec's, the marker
   */
  static LocalStartedProcess start(
      ProcessSpec spec,
      Path cwd,
      Map<String, String> env,
      String marker,
      ProcessSink sink,
      Runnable onEnd) {
    var pb = new ProcessBuilder(LocalProcesses.inOwnSession(spec.argv())).directory(cwd.toFile());
    pb.environment().putAll(env);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw BerthException.badRequest("cannot run '" + spec.argv().get(0) + "': " + e.getMessage());
    }
    return new LocalStartedProcess(
        process, marker, spec.stdin(), Optional.empty(), Thread.ofVirtual().factory(), sink, onEnd);
  }
}
