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
    requireProgram(spec.argv().getFirst(), cwd, env);
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

  /**
   * Refuses a program that cannot be run, as {@code ProcessBuilder} alone would: under {@code
   * setsid} the start itself succeeds and only setsid's exec fails, which would read as the
   * command's own exit code 127 rather than the caller's mistake. Looked up the way setsid's {@code
   * execvp} does: on the process's {@code PATH}, a name with a '/' from {@code cwd}.
   */
  private static void requireProgram(String program, Path cwd, Map<String, String> env) {
    String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", ""));
    String absolute = program.contains("/") ? cwd.resolve(program).toString() : program;
    LocalCommands.missing(absolute, path)
        .ifPresent(
            why -> {
              throw BerthException.badRequest("cannot run '" + program + "': it " + why);
            });
  }
}
