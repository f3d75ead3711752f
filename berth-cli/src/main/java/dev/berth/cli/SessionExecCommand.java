package dev.berth.cli;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth session exec}: without {@code -i}, {@code -t} or {@code -d}, a one-shot exec ({@code
 * POST .../exec}: the output when the command ends); with them, a process with a handle ({@code
 * POST .../processes}) that this command attaches to, or leaves in the background.
 */
@Command(
    name = "exec",
    exitCodeOnInvalidInput = ExitCodes.BERTH_FAILED,
    exitCodeOnExecutionException = ExitCodes.BERTH_FAILED,
    mixinStandardHelpOptions = true,
    description = {
      "Run a command in a session; exits with the command's exit code.",
      "  berth session exec ID -- ls -l",
      "A single argument is run by /bin/sh -c. Berth's own failures exit 125, a"
          + " command killed at its timeout 124.",
      "  -it: interactive, in a terminal (raw mode; ^] detaches). -i: stdin without a"
          + " terminal.",
      "  -d: in the background; prints the process id (berth session ps / attach /" + " kill)."
    })
final class SessionExecCommand extends SessionCommand.OnSession
    implements ExitCodes.PassesExitCode {

  @Parameters(
      index = "1..*",
      paramLabel = "COMMAND",
      arity = "1..*",
      description = "the command and its arguments, or one shell line for /bin/sh -c")
  List<String> command;

  @Option(names = "--cwd", description = "working directory, relative to the workspace")
  String cwd;

  @Option(
      names = {"-e", "--env"},
      description = "KEY=VALUE; repeatable")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "kill the command after this long: 90s, 5m, 1h, 500ms (default: the server's"
              + " execTimeout); not with -i, -t or -d")
  java.time.Duration timeout;

  @Option(
      names = "--stdin",
      description = "read all of standard input first and give it to the command (one-shot)")
  boolean stdin;

  @Option(
      names = {"-i", "--interactive"},
      description = "send standard input to the command as it comes; its end closes the command's")
  boolean interactive;

  @Option(
      names = {"-t", "--tty"},
      description =
          "run the command in a terminal of this terminal's size, kept in step when it is"
              + " resized (standard input must be a terminal)")
  boolean tty;

  @Option(
      names = {"-d", "--detach"},
      description = "start it in the background and print its process id")
  boolean detach;

  @Option(
      names = {"-c", "--container"},
      description = "the session's container to run it in (its type; default: the main one)")
  String container;

  @Override
  public void run() {
    if (!interactive && !tty && !detach) {
      oneShot();
      return;
    }
    if (timeout != null) {
      throw new CliException(
          "--timeout is for a one-shot exec; a process started with -i, -t or -d runs until it"
              + " ends or is killed (berth session kill)");
    }
    if (stdin) {
      throw new CliException("--stdin is for a one-shot exec; use -i to send standard input");
    }
    Map<String, Object> body = body();
    int code = startAndAttach(this, id, body, interactive, tty, detach);
    if (code != 0) {
      throw CliException.commandExit(code);
    }
  }

  private Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("command", command.size() == 1 ? command.get(0) : command);
    if (cwd != null) {
      body.put("cwd", cwd);
    }
    body.put("env", env);
    if (container != null) {
      body.put("container", container);
    }
    return body;
  }

  /**
   * Starts the process {@code body} describes and attaches to it, or, with {@code detach}, prints
   * its id; returns the exit code to leave with. {@code tty} needs a terminal on standard input
   * unless detached (the process then gets this terminal's size, or the server's 80 × 24).
   */
  static int startAndAttach(
      ClientCommand c,
      String session,
      Map<String, Object> body,
      boolean interactive,
      boolean tty,
      boolean detach) {
    Optional<HostTerminal> terminal = tty ? c.stdio().terminal() : Optional.empty();
    if (tty && terminal.isEmpty() && !detach) {
      throw new CliException(
          "-t needs a terminal, and standard input is not one (use -i alone to pipe input"
              + " without a terminal)");
    }
    if (tty) {
      Map<String, Object> size = new LinkedHashMap<>();
      terminal.ifPresent(
          t -> {
            HostTerminal.Size s = t.size();
            size.put("cols", s.cols());
            size.put("rows", s.rows());
          });
      body.put("tty", size);
    }
    if (interactive) {
      body.put("openStdin", true);
    }
    body.put("background", detach);
    JsonNode p =
        c.client()
            .json("POST", "/api/v1/sessions/" + ApiClient.encodePath(session) + "/processes", body);
    if (detach) {
      if (c.json) {
        c.printJson(p);
      } else {
        c.out().println(p.get("id").asString());
        c.out().flush();
      }
      return 0;
    }
    c.out().flush();
    return new AttachedProcess(c.client(), session, p, c.stdio(), c.err())
        .run(0, interactive, terminal, false);
  }

  private void oneShot() {
    Map<String, Object> body = body();
    if (timeout != null) {
      // The API takes whole seconds: round up, so a timeout is never shorter than asked.
      body.put("timeout", Math.max(1, (timeout.toMillis() + 999) / 1000));
    }
    if (stdin) {
      try {
        body.put(
            "stdin",
            new String(stdio().in().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new CliException("cannot read standard input: " + e.getMessage());
      }
    }
    JsonNode r = client().json("POST", path("/exec"), body);
    if (json) {
      printJson(r);
    } else {
      out().print(r.get("stdout").asString());
      out().flush();
      err().print(r.get("stderr").asString());
      if (r.get("stdoutTruncated").asBoolean() || r.get("stderrTruncated").asBoolean()) {
        err()
            .println(
                "berth: output truncated ("
                    + r.get("stdoutBytes").asLong()
                    + " bytes of stdout, "
                    + r.get("stderrBytes").asLong()
                    + " of stderr in all)");
      }
      if (r.get("timedOut").asBoolean()) {
        err().println("berth: the command was killed after its timeout");
      }
      err().flush();
    }
    int code = r.get("exitCode").asInt();
    if (code != 0) {
      // The command's own exit code is the answer; its output already said what happened.
      throw CliException.commandExit(code == -1 ? ExitCodes.TIMED_OUT : code);
    }
  }
}
