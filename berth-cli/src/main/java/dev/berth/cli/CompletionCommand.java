package dev.berth.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code berth completion bash|zsh}: picocli's completion script for the whole command tree. The
 * script is one for both shells (it loads zsh's bashcompinit itself).
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print the shell completion script for berth (bash or zsh).",
      "  source <(berth completion bash)     # or put it in ~/.bashrc or ~/.zshrc",
      "The same script serves zsh, through its bashcompinit."
    })
final class CompletionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SHELL",
      description = "bash or zsh",
      completionCandidates = Shells.class)
  String shell;

  @Override
  public void run() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CliException("no completion for '" + shell + "': berth completes in bash and zsh");
    }
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash("berth", root));
    spec.commandLine().getOut().flush();
  }

  static final class Shells implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.List.of("bash", "zsh").iterator();
    }
  }
}
