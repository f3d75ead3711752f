package dev.berth.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code berth session ps | attach | kill}: a session's processes started with handles. */
final class SessionProcessesCommand {
  private SessionProcessesCommand() {}

  /** A command about one process of a session: {@code ID PID}. */
  abstract static class OnProcess extends SessionCommand.OnSession {
    @Parameters(index = "1", paramLabel = "PID", description = "the process id (p1, p2, ...)")
    String pid;

    String processPath(String suffix) {
      return path("/processes/" + ApiClient.encodePath(pid) + suffix);
    }
  }

  @Command(
      name = "ps",
      mixinStandardHelpOptions = true,
      description = {
        "List the session's processes: running, and ended in the last 10 minutes.",
        "Started with berth session exec -d / -i / -t (or POST .../processes)."
      })
  static final class Ps extends SessionCommand.OnSession {
    @Override
    public void run() {
      JsonNode list = client().json("GET", path("/processes"), null);
      if (json) {
        printJson(list);
        return;
      }
      var table = new Table("PID", "STATE", "EXIT", "TTY", "STARTED", "OUTPUT", "COMMAND");
      for (JsonNode p : list) {
        JsonNode tty = p.path("tty");
        table.row(
            p.get("id").asString(),
            p.get("state").asString() + (p.get("background").asBoolean() ? " (bg)" : ""),
            p.get("exitCode").isNumber() ? Integer.toString(p.get("exitCode").asInt()) : "",
            tty.isObject() ? tty.get("cols").asInt() + "x" + tty.get("rows").asInt() : "",
            SessionCommand.age(p.get("startedAt").asString()) + " ago",
            p.get("outputBytes").asLong() + " B",
            command(p.get("command")));
      }
      table.print(out());
    }

    private static String command(JsonNode argv) {
      List<String> words = new ArrayList<>();
      argv.forEach(w -> words.add(w.asString()));
      // A shell line as given: `/bin/sh -c 'echo hi'` reads as the line.
      if (words.size() == 3 && words.get(0).equals("/bin/sh") && words.get(1).equals("-c")) {
        return words.get(2);
      }
      return String.join(" ", words);
    }
  }

  @Command(
      name = "attach",
      exitCodeOnInvalidInput = ExitCodes.BERTH_FAILED,
      exitCodeOnExecutionException = ExitCodes.BERTH_FAILED,
      mixinStandardHelpOptions = true,
      description = {
        "Attach to a process until it ends; exits with its exit code.",
        "Its output from the start (what Berth still keeps, its last MiB), then as it"
            + " comes. ^C is passed to it (a second ^C detaches). With -i this command's"
            + " standard input goes to it; in a terminal, to a process with a terminal, that"
            + " is raw mode: ^] detaches. Berth's own failures exit 125."
      })
  static final class Attach extends OnProcess implements ExitCodes.PassesExitCode {
    @Option(
        names = {"-i", "--interactive"},
        description = "send standard input to the process (it must have been started with -i)")
    boolean interactive;

    @Option(
        names = "--since",
        description = "the output offset to start from (default 0: all Berth still keeps)")
    long since;

    @Override
    public void run() {
      // Looked up first: an unknown process or session is the server's clear 404, not a refused
      // upgrade that can only say its status.
      JsonNode p = client().json("GET", processPath(""), null);
      var terminal = stdio().terminal();
      int code =
          new AttachedProcess(client(), id, p, stdio(), err())
              .run(since, interactive, terminal, true);
      if (code != 0) {
        throw CliException.commandExit(code);
      }
    }
  }

  @Command(
      name = "kill",
      mixinStandardHelpOptions = true,
      description = {
        "End a process and everything it started; returns once they are gone.",
        "With --signal, send that signal instead (TERM, KILL, INT, HUP, QUIT, USR1,"
            + " USR2) and return at once."
      })
  static final class Kill extends OnProcess {
    @Option(
        names = {"-s", "--signal"},
        paramLabel = "SIGNAL",
        description = "TERM, KILL, INT, HUP, QUIT, USR1 or USR2 (also SIGTERM, or 15)")
    String signal;

    @Override
    public void run() {
      if (signal != null) {
        client().json("POST", processPath("/signal"), Map.of("signal", signal));
        if (!json) {
          out().println("sent " + signal + " to process " + pid);
          out().flush();
        }
        return;
      }
      JsonNode p = client().json("POST", processPath("/kill"), null);
      if (json) {
        printJson(p);
        return;
      }
      String endedBy = p.path("endedBy").asString("");
      out()
          .println(
              "process "
                  + pid
                  + ": "
                  + (endedBy.isEmpty()
                      ? "had already ended (exit code " + p.path("exitCode").asString("?") + ")"
                      : endedBy));
      out().flush();
    }
  }
}
