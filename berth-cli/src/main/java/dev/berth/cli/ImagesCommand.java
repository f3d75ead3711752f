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
    name = "images",
    mixinStandardHelpOptions = true,
    description = "Template images: build them in dependency order, list them.",
    subcommands = {ImagesCommand.Build.class, ImagesCommand.Ls.class, ImagesCommand.Volumes.class})
final class ImagesCommand {

  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description = {
        "Build template images, parents first.",
        "Named templates are built after the images they build on, and the images built"
            + " on them after them; no names builds every image. No cache unless --cache."
            + " Exits non-zero when a build fails (its previous image is kept)."
      })
  static final class Build extends ClientCommand {
    @Parameters(arity = "0..*", paramLabel = "TEMPLATE", description = "templates to build")
    List<String> templates = new ArrayList<>();

    @Option(
        names = "--cache",
        description = "reuse images whose content is unchanged, and the engine's layer cache")
    boolean cache;

    @Option(names = "--pull", description = "look for newer base images (needs a registry)")
    boolean pull;

    @Option(
        names = "--progress",
        defaultValue = "auto",
        description =
            "auto, tty (redrawn status line) or plain (log lines); default ${DEFAULT-VALUE}")
    String progress;

    @Override
    public void run() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("templates", templates);
      body.put("cache", cache);
      body.put("pull", pull);
      JsonNode job = runJob(this, "/api/v1/images/builds", body, progress);
      if (json) {
        printJson(job);
      } else {
        ImageJobFollower.summary(job, out());
      }
      failIfFailed(job);
    }
  }

  /** Submits a job, follows it, returns its final state. */
  static JsonNode runJob(ClientCommand cmd, String path, Object body, String progress) {
    var client = cmd.client();
    JsonNode queued = client.json("POST", path, body);
    var mode = ImageJobFollower.mode(progress, cmd.json);
    return new ImageJobFollower(client, cmd.out(), mode).follow(queued.get("id").asString());
  }

  static void failIfFailed(JsonNode job) {
    if (job.get("state").asString().equals("failed")) {
      String error = job.path("error").asString("");
      throw new CliException(
          "job " + job.get("id").asString() + " failed" + (error.isEmpty() ? "" : ": " + error));
    }
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = {
        "List template images: current build, size, whether each is outdated and why.",
        "Outdated: a parent rebuilt or its sources changed. Also the live sessions on an"
            + " older build."
      })
  static final class Ls extends ClientCommand {
    @Override
    public void run() {
      JsonNode images = client().json("GET", "/api/v1/images", null);
      if (json) {
        printJson(images);
        return;
      }
      var table =
          new Table("TEMPLATE", "USES", "IMAGE", "SIZE", "BUILT", "STATUS", "SESSIONS", "OUTDATED");
      List<String> why = new ArrayList<>();
      boolean outdated = false;
      for (JsonNode i : images) {
        String status = i.path("status").asString("");
        List<String> reasons = new ArrayList<>();
        i.path("outdatedBecause").forEach(r -> reasons.add(r.asString()));
        if (!reasons.isEmpty()) {
          why.add(
              i.get("template").asString() + " is " + status + ": " + String.join("; ", reasons));
        }
        outdated |= status.equals("outdated");
        List<String> uses = new ArrayList<>();
        i.get("uses").forEach(u -> uses.add(u.asString()));
        String reference = i.get("reference").asString();
        table.row(
            i.get("template").asString(),
            uses.isEmpty() ? null : String.join(",", uses),
            reference.isEmpty() ? "(not built)" : reference,
            i.get("sizeBytes").asLong() > 0
                ? ImageJobFollower.size(i.get("sizeBytes").asLong())
                : null,
            i.path("builtAt").isNull() ? null : when(i.path("builtAt").asString()),
            status,
            i.get("sessions").asInt(),
            i.get("outdatedSessions").asInt());
      }
      table.print(out());
      if (!why.isEmpty()) {
        out().println();
        why.forEach(out()::println);
      }
      if (outdated) {
        out().println("'berth update' rebuilds the outdated images, parents first");
      }
    }

    static String when(String instant) {
      try {
        return java.time.Instant.parse(instant)
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
      } catch (RuntimeException e) {
        return instant;
      }
    }
  }

  @Command(
      name = "volumes",
      mixinStandardHelpOptions = true,
      description = {
        "List template volumes: the read-only copies of templates' files" + " (templateVolume).",
        "One per content; CURRENT is the one new sessions get, USED BY the containers"
            + " that mount it. 'berth gc' removes those no template and no session needs."
      })
  static final class Volumes extends ClientCommand {
    @Override
    public void run() {
      JsonNode volumes = client().json("GET", "/api/v1/template-volumes", null);
      if (json) {
        printJson(volumes);
        return;
      }
      var table = new Table("BACKEND", "TEMPLATE", "VOLUME", "CREATED", "CURRENT", "USED BY");
      for (JsonNode v : volumes) {
        List<String> users = new ArrayList<>();
        v.get("usedBy").forEach(u -> users.add(u.asString()));
        table.row(
            v.get("backend").asString(),
            v.get("template").asString(),
            v.get("name").asString(),
            v.path("createdAt").isNull() ? null : Ls.when(v.path("createdAt").asString()),
            v.get("current").asBoolean() ? "yes" : "no",
            users.isEmpty() ? null : String.join(",", users));
      }
      table.print(out());
    }
  }
}
