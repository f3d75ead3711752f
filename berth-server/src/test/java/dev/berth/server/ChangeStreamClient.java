package dev.berth.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** A reader of {@code GET /api/v1/sessions/{id}/changes}, collecting its events on a thread. */
public final class ChangeStreamClient implements AutoCloseable {
  /** One SSE message: its event name and JSON data. */
  public record Sse(String event, JsonNode data) {}

  private final List<Sse> messages = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private final java.util.stream.Stream<String> body;

  public ChangeStreamClient(TestServer berth, String session, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/sessions/" + session + "/changes"))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + token)
            .build();
    HttpResponse<java.util.stream.Stream<String>> r =
        HttpClient.newHttpClient()
            .sendAsync(request, HttpResponse.BodyHandlers.ofLines())
            .get(30, TimeUnit.SECONDS);
    if (r.statusCode() != 200) {
      throw new AssertionError(
          "change stream answered " + r.statusCode() + ": " + String.join("\n", r.body().toList()));
    }
    body = r.body();
    reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  String event = "";
                  try (var lines = body) {
                    for (String line : (Iterable<String>) lines::iterator) {
                      if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                      } else if (line.startsWith("data:")) {
                        messages.add(
                            new Sse(event, TestServer.JSON.readTree(line.substring(5).strip())));
                      }
                    }
                  } catch (RuntimeException closed) {
                    // closed by the test
                  }
                });
  }

  public List<Sse> messages() {
    return new ArrayList<>(messages);
  }

  /**
   * Waits up to {@code within} for a change of {@code path} by {@code by}, and returns how long it
   * took from the call.
   */
  public Duration awaitChange(String path, String by, Duration within) {
    long start = System.nanoTime();
    Awaitility.await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () ->
                org.assertj.core.api.Assertions.assertThat(messages)
                    .as("the change stream's messages, waiting for %s by %s", path, by)
                    .anyMatch(
                        m ->
                            m.event().equals("change")
                                && m.data().get("path").asString().equals(path)
                                && m.data().get("by").asString().equals(by)));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The changes of {@code path} seen so far, as "kind by". */
  public List<String> changesOf(String path) {
    return messages.stream()
        .filter(m -> m.event().equals("change") && m.data().get("path").asString().equals(path))
        .map(m -> m.data().get("kind").asString() + " " + m.data().get("by").asString())
        .toList();
  }

  @Override
  public void close() {
    body.close();
    reader.interrupt();
  }
}
