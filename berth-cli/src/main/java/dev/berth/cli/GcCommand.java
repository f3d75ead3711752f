package dev.berth.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
      "Remove orphans: resources with Berth's labels whose session is gone.",
      "Only those older than the grace period; resources of live sessions are never"
          + " touched. Also removes template volumes that no template and no session needs"
          + " any more."
    })
final class GcCommand extends ClientCommand {
  @Option(names = "--dry-run", description = "only list what would be removed")
  boolean dryRun;

  @Option(
      names = "--grace",
      description = "minimum age, e.g. 10m or 0 (default: the server's orphanGrace)")
  String grace;

  @Override
  public void run() {
    List<String> query = new ArrayList<>();
    if (dryRun) {
      query.add("dryRun=true");
    }
    if (grace != null) {
      query.add("grace=" + ApiClient.query(grace));
    }
    JsonNode result =
        client()
            .json(
                "POST",
                "/api/v1/gc" + (query.isEmpty() ? "" : "?" + String.join("&", query)),
                null);
    if (json) {
      printJson(result);
      return;
    }
    JsonNode orphans = result.get("orphans");
    JsonNode volumes = result.path("templateVolumes");
    if (orphans.isEmpty() && volumes.isEmpty()) {
      out().println("no orphans older than " + result.get("graceSeconds").asLong() + "s");
      out().flush();
      return;
    }
    var table = new Table("BACKEND", "SESSION", "KIND", "NAME", "RESULT");
    boolean failed = false;
    for (JsonNode o : orphans) {
      for (JsonNode r : o.get("resources")) {
        String outcome = dryRun ? "would remove" : "removed";
        for (JsonNode f : o.path("cleanup").path("failed")) {
          if (f.get("name").asString().equals(r.get("name").asString())) {
            outcome = "FAILED: " + f.get("reason").asString();
            failed = true;
          }
        }
        table.row(
            o.get("backend").asString(),
            o.get("sessionId").asString(),
            r.get("kind").asString(),
            r.get("name").asString(),
            outcome);
      }
    }
    for (JsonNode v : volumes) {
      String outcome = dryRun ? "would remove" : "removed";
      if (!v.get("removed").asBoolean()) {
        outcome = "FAILED: " + v.path("failure").asString();
        failed = true;
      }
      table.row(
          v.get("backend").asString(), "-", "template-volume", v.get("name").asString(), outcome);
    }
    table.print(out());
    if (failed) {
      throw new CliException("some orphans could not be removed (see above)");
    }
  }
}
