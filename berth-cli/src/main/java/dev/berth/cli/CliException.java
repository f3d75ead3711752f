package dev.berth.cli;

import tools.jackson.databind.JsonNode;

/** An error to show the user as one line ("berth: ..."), with the exit code to leave with. */
final class CliException extends RuntimeException {
  private final int exitCode;
  private final transient JsonNode body;

  CliException(String message) {
    this(message, 1, null);
  }

  CliException(String message, int exitCode, JsonNode body) {
    super(message);
    this.exitCode = exitCode;
    this.body = body;
  }

  static CliException fromResponse(int status, JsonNode body) {
    String message = body.at("/error/message").asString("");
    if (message.isEmpty()) {
      message = "the server answered HTTP " + status;
    }
    return new CliException(message + " (HTTP " + status + ")", 1, body);
  }

  int exitCode() {
    return exitCode;
  }

  /** The server's error body, if the error came from the server. */
  JsonNode body() {
    return body;
  }
}
