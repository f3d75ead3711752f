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
      TemplatesCommand.class,
      ImagesCommand.class,
      UpdateCommand.class,
      McpCommand.class,
      GcCommand.class,
      BenchCommand.class,
      DoctorCommand.class,
      BerthCli.VersionCommand.class,
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
    var cli = new CommandLine(new BerthCli(), new Factory(env));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CliException ce) {
            if (!ce.getMessage().isEmpty()) {
              err.println("berth: " + ce.getMessage());
            }
            return ce.exitCode();
          }
          if (e instanceof dev.berth.base.BerthException be) {
            err.println("berth: " + be.getMessage());
            return 1;
          }
          err.println("berth: unexpected error: " + e);
          return 1;
        });
    return cli.execute(args);
  }

  /** Gives every command the environment, so tests can run commands without touching the JVM's. */
  private record Factory(Map<String, String> env) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (Environment.class.isAssignableFrom(type)) {
        K command = CommandLine.defaultFactory().create(type);
        ((Environment) command).environment(env);
        return command;
      }
      return CommandLine.defaultFactory().create(type);
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

  @Command(name = "version", description = "Print Berth's version.")
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
