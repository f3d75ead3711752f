package dev.berth.cli;

import dev.berth.server.BerthServer;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code berth} command. */
@Command(
    name = "berth",
    mixinStandardHelpOptions = true,
    versionProvider = BerthCli.Version.class,
    description = "Session workspaces managed by session ID.",
    subcommands = {
      ServeCommand.class,
      SessionCommand.class,
      ShellCommand.class,
      TemplatesCommand.class,
      PoolsCommand.class,
      ImagesCommand.class,
      UpdateCommand.class,
      McpCommand.class,
      GcCommand.class,
      BenchCommand.class,
      DoctorCommand.class,
      BerthCli.VersionCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BerthCli {
  public static void main(String[] args) {
    // Before any java.net.http class loads (the JDK reads it once): the browser proxy sends apps
    // the browser's Host header, which the JDK HTTP client otherwise refuses (see BrowserProxy).
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    System.exit(
        run(
            args,
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true)));
  }

  /** Runs one command line; returns the exit code. Used by main and by tests. */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return run(args, env, out, err, Stdio.system());
  }

  /**
   * The same with the byte streams a process's output and input go through ({@code exec -i}, {@code
   * attach}): a test's own, which never count as a terminal.
   */
  static int run(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, Stdio stdio) {
    CommandLine cli = commandLine(env, stdio);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // exec, attach and shell pass on the code of what they ran: their own failures must
          // not look like one (see ExitCodes).
          boolean passes = commandLine.getCommand() instanceof ExitCodes.PassesExitCode;
          int failed = passes ? ExitCodes.BERTH_FAILED : ExitCodes.FAILED;
          if (e instanceof CliException ce) {
            if (!ce.getMessage().isEmpty()) {
              err.println("berth: " + ce.getMessage());
            }
            return ce.isCommandExit() || ce.exitCode() != ExitCodes.FAILED ? ce.exitCode() : failed;
          }
          if (e instanceof dev.berth.base.BerthException be) {
            err.println("berth: " + be.getMessage());
            return failed;
          }
          err.println(
              "berth: unexpected error ("
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + "); this is a bug in Berth: please report it with the command line");
          return failed;
        });
    return cli.execute(args);
  }

  /**
   * The whole command tree, with what every command shares: -h/-V on each (picocli gives them only
   * to the commands that ask, and -V only where a version provider is named) and durations in the
   * config's units.
   */
  static CommandLine commandLine(Map<String, String> env, Stdio stdio) {
    var cli = new CommandLine(new BerthCli(), new Factory(env, stdio));
    cli.registerConverter(java.time.Duration.class, BerthCli::duration);
    shareStandardOptions(cli);
    // Descriptions are written as paragraphs that picocli wraps; at 100 columns their first
    // sentences fit the command lists beside the names (a terminal that is narrower wraps them).
    cli.setUsageHelpWidth(100);
    cli.setParameterExceptionHandler(BerthCli::wrongCommandLine);
    return cli;
  }

  private static void shareStandardOptions(CommandLine c) {
    var spec = c.getCommandSpec();
    if (!(c.getCommand() instanceof CommandLine.HelpCommand)) {
      spec.versionProvider(new Version());
      if (!spec.mixinStandardHelpOptions()) {
        spec.mixinStandardHelpOptions(true);
      }
    }
    c.getSubcommands().values().forEach(BerthCli::shareStandardOptions);
  }

  /**
   * A wrong command line: one line that says what is wrong and where the help is, not the whole
   * usage page; picocli's "option option '--env'" said once.
   */
  private static int wrongCommandLine(CommandLine.ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    PrintWriter err = c.getErr();
    err.println("berth: " + e.getMessage().replace("option option", "option"));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("berth: see '" + c.getCommandSpec().qualifiedName() + " --help'");
    }
    err.flush();
    return c.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** A duration as berth.yaml writes them: 500ms, 90s, 5m, 8h, 2d; a bare number is seconds. */
  static java.time.Duration duration(String text) {
    try {
      return dev.berth.config.Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  /** Gives every command the environment, so tests can run commands without touching the JVM's. */
  private record Factory(Map<String, String> env, Stdio stdio) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      K command = CommandLine.defaultFactory().create(type);
      if (command instanceof Environment e) {
        e.environment(env);
      }
      if (command instanceof ClientCommand c) {
        c.stdio(stdio);
      }
      return command;
    }
  }

  /** A command that reads the environment (BERTH_URL, BERTH_TOKEN, BERTH_HOME...). */
  interface Environment {
    void environment(Map<String, String> env);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "berth " + BerthServer.VERSION,
        "java " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")"
      };
    }
  }

  @Command(
      name = "version",
      mixinStandardHelpOptions = true,
      description = "Print Berth's version and the Java it runs on.")
  static final class VersionCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      for (String line : new Version().getVersion()) {
        spec.commandLine().getOut().println(line);
      }
    }
  }
}
