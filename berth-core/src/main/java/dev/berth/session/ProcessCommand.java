package dev.berth.session;

import dev.berth.runtime.TtySize;
import dev.berth.template.SessionContainer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A process to start with a handle, as a client asks for it.
 *
 * @param argv the program and its arguments
 * @param cwd working directory relative to the workspace root; empty: the root
 * @param env extra environment variables
 * @param tty a terminal of this size; empty for plain pipes
 * @param stdin bytes for standard input, then its end; empty with {@code openStdin} for none
 * @param openStdin standard input stays open for writes until closed (stdin must then be empty)
 * @param background the process outlives the request that started it and drops its oldest output
 *     when nobody reads it; a foreground one waits for its attached readers
 * @param container the session's container to run in ({@code session}: the main one)
 */
public record ProcessCommand(
    List<String> argv,
    Optional<String> cwd,
    Map<String, String> env,
    Optional<TtySize> tty,
    byte[] stdin,
    boolean openStdin,
    boolean background,
    String container) {
  public ProcessCommand {
    argv = argv == null ? List.of() : List.copyOf(argv);
    cwd = cwd == null ? Optional.empty() : cwd;
    env = env == null ? Map.of() : Map.copyOf(env);
    tty = tty == null ? Optional.empty() : tty;
    stdin = stdin == null ? new byte[0] : stdin;
    container = container == null || container.isBlank() ? SessionContainer.MAIN : container;
  }
}
