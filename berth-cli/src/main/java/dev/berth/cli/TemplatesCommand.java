package dev.berth.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

@Command(
    name = "templates",
    mixinStandardHelpOptions = true,
    description = "Templates sessions are made from.",
    subcommands = {TemplatesCommand.Ls.class})
final class TemplatesCommand {
  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List templates.")
  static final class Ls extends ClientCommand {
    @Override
    public void run() {
      JsonNode templates = client().json("GET", "/api/v1/templates", null);
      if (json) {
        printJson(templates);
        return;
      }
      var table = new Table("NAME", "PARENT", "PORTS", "PROBE", "DESCRIPTION");
      for (JsonNode t : templates) {
        table.row(
            t.get("name").asString(),
            t.path("parent").asString(null),
            t.get("ports").isEmpty() ? null : t.get("ports").toString(),
            t.path("probe").asString(null),
            t.path("description").asString(""));
      }
      table.print(out());
    }
  }
}
