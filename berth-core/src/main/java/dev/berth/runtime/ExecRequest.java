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
 * @param cancellation ends the command early (killed like on a timeout) when a lifecycle operation
 *     needs the session; {@link ExecCancellation#none()} when nobody will
 */
public record ExecRequest(
    List<String> argv,
    WorkspacePath cwd,
    Map<String, String> env,
    byte[] stdin,
    Duration timeout,
    int maxOutputBytes,
    ExecCancellation cancellation) {
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
    cancellation = cancellation == null ? ExecCancellation.none() : cancellation;
  }

  /** A command nothing but its own end or its timeout ends. */
  public ExecRequest(
      List<String> argv,
      WorkspacePath cwd,
      Map<String, String> env,
      byte[] stdin,
      Duration timeout,
      int maxOutputBytes) {
    this(argv, cwd, env, stdin, timeout, maxOutputBytes, ExecCancellation.none());
  }

  /** The same command, ended early by {@code cancellation}. */
  public ExecRequest endedBy(ExecCancellation cancellation) {
    return new ExecRequest(argv, cwd, env, stdin, timeout, maxOutputBytes, cancellation);
  }

  /** argv for a shell command line, as {@code /bin/sh -c line}. */
  public static List<String> shell(String commandLine) {
    return List.of("/bin/sh", "-c", commandLine);
  }
}
