package dev.berth.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(
    name = "update",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild the outdated template images and list the sessions that run an old one.",
      "Parents first, keeping the unchanged ones (the cache: --no-cache rebuilds all)."
          + " Named templates are updated with their ancestors and every image built on"
          + " those. With --restart-idle, restart the idle running sessions on the new"
          + " image, keeping their workspaces. New sessions always get the newest image."
    })
final class UpdateCommand extends ClientCommand {
  @Parameters(arity = "0..*", paramLabel = "TEMPLATE", description = "templates to build first")
  List<String> templates = new ArrayList<>();

  @Option(
      names = "--cache",
      description = "keep images whose content is unchanged (the default; kept for scripts)")
  boolean cache;

  @Option(
      names = "--no-cache",
      description = "rebuild every image from scratch, also the unchanged ones")
  boolean noCache;

  @Option(names = "--pull", description = "look for newer base images (needs a registry)")
  boolean pull;

  @Option(
      names = "--restart-idle",
      description = "restart outdated sessions idle for their template's idleTimeout")
  boolean restartIdle;

  @Option(
      names = "--idle-after",
      description = "idle window for templates without idleTimeout (default: 30m)")
  String idleAfter;

  @Option(names = "--progress", defaultValue = "auto", description = "auto, tty or plain")
  String progress;

  @Override
  public void run() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("templates", templates);
    if (cache && noCache) {
      throw new CliException("--cache and --no-cache contradict each other: give one");
    }
    body.put("cache", !noCache);
    body.put("pull", pull);
    body.put("restartIdle", restartIdle);
    if (idleAfter != null) {
      body.put("idleAfter", idleAfter);
    }
    JsonNode job = ImagesCommand.runJob(this, "/api/v1/update", body, progress);
    if (json) {
      printJson(job);
      ImagesCommand.failIfFailed(job);
      return;
    }
    ImageJobFollower.summary(job, out());
    out().println();
    JsonNode sessions = job.get("sessions");
    if (sessions.isEmpty()) {
      out().println("no live session runs an outdated image");
    } else {
      out().println(sessions.size() + " live session(s) run an outdated image:");
      var table = new Table("SESSION", "TEMPLATE", "STATUS", "IDLE", "ACTION", "DETAIL");
      for (JsonNode s : sessions) {
        table.row(
            s.get("id").asString(),
            s.get("template").asString(),
            s.get("status").asString(),
            s.get("idle").asBoolean() ? "yes" : "no",
            s.get("action").asString(),
            s.get("detail").asString());
      }
      table.print(out());
    }
    out().flush();
    ImagesCommand.failIfFailed(job);
  }
}
