package dev.berth.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * A session's containers (a template's {@code containers:} beside the main one): {@code berth
 * session containers ID} lists them, {@code berth session container start|stop ID TYPE} starts or
 * stops one alone.
 */
final class SessionContainersCommand {
  private SessionContainersCommand() {}

  /** Prints the containers as a table (or the JSON with --json). */
  static void print(ClientCommand c, JsonNode list) {
    if (c.json) {
      c.printJson(list);
      return;
    }
    var table = new Table("TYPE", "NAME", "STATE", "DETAIL");
    for (JsonNode x : list) {
      table.row(
          x.get("type").asString(),
          x.get("name").asString(),
          x.get("state").asString(),
          x.get("detail").asString());
    }
    table.print(c.out());
  }

  @Command(
      name = "containers",
      mixinStandardHelpOptions = true,
      description =
          "List a session's containers: the main one (session) and its template's others.")
  static final class Ls extends SessionCommand.OnSession {
    @Override
    public void run() {
      print(this, client().json("GET", path("/containers"), null));
    }
  }

  @Command(
      name = "container",
      mixinStandardHelpOptions = true,
      description = "Start or stop one of a running session's containers alone.",
      subcommands = {Start.class, Stop.class})
  static final class Group {}

  /** start and stop: the same call but for the verb. */
  abstract static class OnContainer extends SessionCommand.OnSession {
    @Parameters(index = "1", paramLabel = "TYPE", description = "the container's type")
    String type;

    void act(String verb) {
      print(
          this,
          client()
              .json("POST", path("/containers/" + ApiClient.encodePath(type) + "/" + verb), null));
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start one container (a manual one, or one that ended) of a running session.")
  static final class Start extends OnContainer {
    @Override
    public void run() {
      act("start");
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop one container of a running session; the others keep running.")
  static final class Stop extends OnContainer {
    @Override
    public void run() {
      act("stop");
    }
  }
}
