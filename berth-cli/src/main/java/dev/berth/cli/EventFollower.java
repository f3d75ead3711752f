package dev.berth.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth session events -f [ID]}: a session's trail so far, then each new event from the
 * server's event stream ({@code GET /api/v1/events?session=ID}) as it happens, one line each
 * ({@code --json}: one JSON object a line), until the stream ends or the user stops it. The stream
 * resumes after the last event of the trail ({@code after=}), so none is shown twice or missed
 * between the two. Without an ID: every session's events (a session token: its own) from now on.
 */
final class EventFollower {
  private final ApiClient client;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;

  EventFollower(ApiClient client, PrintWriter out, PrintWriter err, boolean json) {
    this.client = client;
    this.out = out;
    this.err = err;
    this.json = json;
  }

  /** Follows one session, after printing {@code past} (its trail so far, oldest first). */
  void follow(String sessionId, JsonNode past) {
    long last = 0;
    for (JsonNode e : past) {
      print(e, false);
      last = Math.max(last, e.path("id").asLong(0));
    }
    out.flush();
    stream("/api/v1/events?session=" + ApiClient.query(sessionId) + "&after=" + last, false);
  }

  /** Follows every session the token may see, from now on. */
  void followAll() {
    stream("/api/v1/events", true);
  }

  private void stream(String path, boolean withSession) {
    try (var events = new SseReader(client.stream(path, Map.of()))) {
      if (withSession) {
        // The server subscribes a stream before its answer begins: from here on nothing is missed.
        err.println("berth: following every session's events from now on (^C to stop)");
        err.flush();
      }
      SseReader.Message m;
      while ((m = events.next()) != null) {
        print(ApiClient.JSON.readTree(m.data()), withSession);
        out.flush();
      }
    } catch (IOException e) {
      throw new CliException("the event stream broke off: " + e.getMessage());
    }
    throw new CliException(
        "the server ended the event stream (a rotated token ends its streams; run again)");
  }

  private void print(JsonNode e, boolean withSession) {
    if (json) {
      out.println(e.toString());
      return;
    }
    out.println(
        e.path("at").asString()
            + "  "
            + (withSession ? e.path("sessionId").asString() + "  " : "")
            + e.path("type").asString()
            + "  "
            + e.path("message").asString());
  }
}
