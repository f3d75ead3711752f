package dev.berth.cli;

import tools.jackson.databind.JsonNode;

/**
 * An error to show the user as one line ("berth: ..."), with the exit code to leave with; or, made
 * by {@link #commandExit}, no error at all but the exit code of a command Berth ran for the user.
 */
final class CliException extends RuntimeException {
  private final int exitCode;
  private final transient JsonNode body;
  private final boolean commandExit;

  CliException(String message) {
    this(message, 1, null);
  }

  CliException(String message, int exitCode, JsonNode body) {
    this(message, exitCode, body, false);
  }

  private CliException(String message, int exitCode, JsonNode body, boolean commandExit) {
    super(message);
    this.exitCode = exitCode;
    this.body = body;
    this.commandExit = commandExit;
  }

  /**
   * Leave with the exit code of the command Berth ran ({@code session exec}, {@code attach}, {@code
   * shell}): its output already said what happened, so there is nothing to print.
   */
  static CliException commandExit(int code) {
    return new CliException("", code, null, true);
  }

  /** Whether this is a command's own exit code rather than a failure of Berth's. */
  boolean isCommandExit() {
    return commandExit;
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
