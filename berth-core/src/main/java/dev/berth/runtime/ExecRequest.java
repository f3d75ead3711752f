package dev.berth.runtime;

import dev.berth.base.BerthException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run inside a session.
 *
 * @param argv the program and its arguments; never run through a shell unless argv says so
 * @param cwd working directory inside the workspace
 * @param env extra environment variables
 * @param stdin bytes fed to standard input (empty for none), then closed
 * @param timeout the command is killed (with its children) when it runs longer
 * @param maxOutputBytes how much of stdout and of stderr to keep each; the rest is counted
 */
public record ExecRequest(
    List<String> argv,
    WorkspacePath cwd,
    Map<String, String> env,
    byte[] stdin,
    Duration timeout,
    int maxOutputBytes) {
  public ExecRequest {
    if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
      throw BerthException.badRequest("command must name a program to run");
    }
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
    stdin = stdin == null ? new byte[0] : stdin;
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw BerthException.badRequest("timeout must be positive");
    }
    if (maxOutputBytes <= 0) {
      throw BerthException.badRequest("maxOutputBytes must be positive");
    }
  }

  /** argv for a shell command line, as {@code /bin/sh -c line}. */
  public static List<String> shell(String commandLine) {
    return List.of("/bin/sh", "-c", commandLine);
  }
}
