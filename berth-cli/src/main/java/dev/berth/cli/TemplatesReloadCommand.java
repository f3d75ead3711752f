package dev.berth.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth templates reload}: has the server read its templates directory again now (it also
 * does on every change to it). Exit code 1 when a template was skipped.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
      "Have the server read its templates again now (admin).",
      "Says what loaded and what was skipped; exits 1 when a template does not load."
    })
final class TemplatesReloadCommand extends ClientCommand {
  @Override
  public void run() {
    JsonNode r = client().json("POST", "/api/v1/templates/reload", null);
    if (json) {
      printJson(r);
    } else {
      out().println("loaded: " + names(r.get("loaded")));
      for (String part : new String[] {"added", "changed", "removed"}) {
        if (!r.get(part).isEmpty()) {
          out().println(part + ": " + names(r.get(part)));
        }
      }
      for (JsonNode p : r.get("skipped")) {
        out()
            .println(
                "skipped: "
                    + p.get("template").asString()
                    + " ("
                    + p.get("file").asString()
                    + ")"
                    + (contains(r.get("kept"), p.get("template").asString())
                        ? "; its last good version stays in use"
                        : ""));
        for (JsonNode e : p.get("errors")) {
          out().println("  - " + e.asString());
        }
      }
      out().flush();
    }
    if (!r.get("skipped").isEmpty()) {
      throw new CliException("", 1, null);
    }
  }

  private static String names(JsonNode list) {
    var out = new StringBuilder();
    for (JsonNode n : list) {
      out.append(out.isEmpty() ? "" : ", ").append(n.asString());
    }
    return out.isEmpty() ? "(none)" : out.toString();
  }

  private static boolean contains(JsonNode list, String name) {
    for (JsonNode n : list) {
      if (n.asString().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
