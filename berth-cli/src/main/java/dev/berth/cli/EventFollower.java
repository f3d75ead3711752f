package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth session events -f}: the trail so far, then each new event from the server's event
 * stream as it happens, one line each ({@code --json}: one JSON object a line), until the stream
 * ends or the user stops it. It resumes after the last event it printed, so none is shown twice or
 * missed between the two.
 */
final class EventFollower {
  private final ApiClient client;
  private final PrintWriter out;
  private final boolean json;

  EventFollower(ApiClient client, PrintWriter out, boolean json) {
    this.client = client;
    this.out = out;
    this.json = json;
  }

  void follow(String sessionId, JsonNode past) {
    long last = -1;
    for (JsonNode e : past) {
      print(e);
      last = Math.max(last, e.path("id").asLong(-1));
    }
    out.flush();
    String path =
        "/api/v1/events?session="
            + ApiClient.query(sessionId)
            + (last >= 0 ? "&after=" + last : "");
    HttpResponse<InputStream> r =
        client.send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
    ApiClient.checkOk(r);
    try (var events = new SseReader(r.body())) {
      SseReader.Message m;
      while ((m = events.next()) != null) {
        print(ApiClient.JSON.readTree(m.data()));
        out.flush();
      }
    } catch (IOException e) {
      throw new CliException("the event stream ended: " + e.getMessage());
    }
  }

  private void print(JsonNode e) {
    if (json) {
      out.println(e.toString());
    } else {
      out.println(
          e.path("at").asString()
              + "  "
              + e.path("type").asString()
              + "  "
              + e.path("message").asString());
    }
  }
}
