package dev.berth.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

@Command(
    name = "templates",
    mixinStandardHelpOptions = true,
    description = "Templates sessions are made from.",
    subcommands = {
      TemplatesCommand.Ls.class,
      TemplatesCheckCommand.class,
      TemplatesReloadCommand.class
    })
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
        if (!t.path("loaded").asBoolean(true)) {
          continue;
        }
        table.row(
            t.get("name").asString(),
            t.path("parent").asString(null),
            t.get("ports").isEmpty() ? null : t.get("ports").toString(),
            t.path("probe").asString(null),
            t.path("description").asString(""));
      }
      table.print(out());
      // What does not load is said below the table, with the file and what to fix.
      for (JsonNode t : templates) {
        JsonNode problem = t.path("problem");
        if (problem.isObject()) {
          out()
              .println(
                  "template '"
                      + t.get("name").asString()
                      + "' does not load ("
                      + problem.get("file").asString()
                      + ")"
                      + (t.path("loaded").asBoolean(true)
                          ? "; its last good version is in use"
                          : "; no session can be made from it"));
          for (JsonNode e : problem.get("errors")) {
            out().println("  - " + e.asString());
          }
        }
      }
      out().flush();
    }
  }
}
