package dev.berth.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth session create --build}: when the server refuses the create because the template's
 * image is not built ({@code image_not_built}, which made nothing), builds those images as {@code
 * berth images build --cache} does, with its progress, and creates again. Builds in the CLI rather
 * than with {@code "build": true} on the first request, so the build's progress can be followed:
 * the server's create would only answer once it is done.
 */
final class FirstUseBuild {
  static final String SESSIONS = "/api/v1/sessions";

  private FirstUseBuild() {}

  /** POSTs the create; with {@code build}, builds what the server says is missing and retries. */
  static JsonNode create(ClientCommand cmd, Map<String, Object> body, boolean build) {
    try {
      return cmd.client().json("POST", SESSIONS, body);
    } catch (CliException e) {
      JsonNode error = e.body() == null ? null : e.body().get("error");
      if (!build || error == null || !error.path("code").asString("").equals("image_not_built")) {
        throw e;
      }
      List<String> templates = new ArrayList<>();
      error.path("templates").forEach(t -> templates.add(t.asString()));
      cmd.err()
          .println(
              "the image of "
                  + String.join(", ", templates)
                  + " is not built yet; building it (berth images build --cache "
                  + String.join(" ", templates)
                  + ")");
      cmd.err().flush();
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("templates", templates);
      job.put("cache", true);
      JsonNode done = ImagesCommand.runJob(cmd, "/api/v1/images/builds", job, "auto");
      if (!cmd.json) {
        ImageJobFollower.summary(done, cmd.out());
      }
      if (done.get("state").asString().equals("failed")) {
        String why = done.path("error").asString("");
        throw new CliException(
            "job "
                + done.get("id").asString()
                + " failed"
                + (why.isEmpty() ? "" : ": " + why)
                + "; no session was made");
      }
      Map<String, Object> again = new LinkedHashMap<>(body);
      again.put("build", true); // anything still missing (a race with a removal) is built there
      return cmd.client().json("POST", SESSIONS, again);
    }
  }

  /** The lines a FAILED session's owner needs: it is kept, and how to look at it and remove it. */
  static String failedHint(String id) {
    return "the session is kept, FAILED, for inspection (berth session show "
        + id
        + ", berth session logs "
        + id
        + ", berth session events "
        + id
        + "); remove it with: berth session rm "
        + id;
  }
}
