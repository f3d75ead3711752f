package dev.berth.runtime;

import dev.berth.base.BerthException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A process to start in a running session ({@link WorkspaceAccess#start}).
 *
 * @param argv the program and its arguments; never run through a shell unless argv says so
 * @param cwd working directory inside the workspace
 * @param env extra environment variables
 * @param tty a terminal of this size (stdout and stderr then arrive merged, as {@link
 *     ProcessStream#STDOUT}); empty for plain pipes
 * @param stdin what the process reads on standard input
 */
public record ProcessSpec(
    List<String> argv,
    WorkspacePath cwd,
    Map<String, String> env,
    Optional<TtySize> tty,
    StdinMode stdin) {
  public ProcessSpec {
    if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
      throw BerthException.badRequest("command must name a program to run");
    }
    argv = List.copyOf(argv);
    cwd = cwd == null ? WorkspacePath.ROOT : cwd;
    env = env == null ? Map.of() : Map.copyOf(env);
    tty = tty == null ? Optional.empty() : tty;
    stdin = stdin == null ? StdinMode.none() : stdin;
  }

  /** The process of a one-shot exec: plain pipes, its stdin bytes then end-of-file. */
  public static ProcessSpec of(ExecRequest request) {
    return new ProcessSpec(
        request.argv(),
        request.cwd(),
        request.env(),
        Optional.empty(),
        StdinMode.bytes(request.stdin()));
  }
}
