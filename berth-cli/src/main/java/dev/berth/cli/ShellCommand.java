package dev.berth.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth shell ID}: {@code berth session exec -it ID -- /bin/sh}. Templates have no key for
 * an interactive shell ({@code shell:} is the app's command line), so it is {@code /bin/sh}, which
 * every image Berth runs has; {@code --shell} names another.
 */
@Command(
    name = "shell",
    exitCodeOnInvalidInput = ExitCodes.BERTH_FAILED,
    exitCodeOnExecutionException = ExitCodes.BERTH_FAILED,
    mixinStandardHelpOptions = true,
    description = {
      "An interactive shell in a session, in this terminal.",
      "The same as berth session exec -it ID -- /bin/sh.",
      "Exits with the shell's exit code; ^] detaches (the shell runs on: berth session attach)."
    })
final class ShellCommand extends SessionCommand.OnSession implements ExitCodes.PassesExitCode {
  @Option(
      names = "--shell",
      paramLabel = "PATH",
      defaultValue = "/bin/sh",
      description = "the shell to run (default: /bin/sh)")
  String shell;

  @Option(
      names = {"-c", "--container"},
      description = "the session's container to run it in (its type; default: the main one)")
  String container;

  @Override
  public void run() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("command", List.of(shell));
    if (container != null) {
      body.put("container", container);
    }
    int code = SessionExecCommand.startAndAttach(this, id, body, true, true, false);
    if (code != 0) {
      throw CliException.commandExit(code);
    }
  }
}
