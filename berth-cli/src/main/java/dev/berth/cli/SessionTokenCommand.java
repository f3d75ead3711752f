package dev.berth.cli;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth session token ID}: a new token for a session, for a user whose create was
 * interrupted before the token was printed. Works with the admin token or the session's own
 * (BERTH_TOKEN); the old token stops working.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Issue a new token for a session and print it (shown once).",
      "The old token, and browser logins made with it, stop working at once."
    })
final class SessionTokenCommand extends SessionCommand.OnSession {
  @Override
  public void run() {
    JsonNode rotated = client().json("POST", path("/token"), null);
    if (json) {
      printJson(rotated);
      return;
    }
    out().println("new token for session " + id + " (shown once; the old one no longer works):");
    out().println("  " + rotated.get("token").asString());
    out().flush();
  }
}
