package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.berth.server.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A server that stops while streams are open ends each of them first, while its request is still
 * alive: the client reads a whole response (its last chunk), the stream's thread is gone, and
 * Javalin logs no error. Before, Jetty recycled the requests under the streams' threads, and the
 * next keep-alive of each sent Javalin's error handling round a dead request forever (a loop that
 * filled a CI machine's disk with its warnings).
 */
class StreamsAtStopTest {
  @TempDir Path home;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyKindOfOpenStreamEndsWholeWhenTheServerStops() throws Exception {
    var javalinLog = (Logger) LoggerFactory.getLogger("io.javalin");
    var warnings = new ListAppender<ILoggingEvent>();
    warnings.start();
    javalinLog.addAppender(warnings);
    try {
      var berth = new TestServer(home);
      var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"atstop\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      var started =
          berth.admin(
              "POST", "/api/v1/sessions/atstop/processes", "{\"command\": [\"sleep\", \"600\"]}");
      assertThat(started.status()).as(started.toString()).isEqualTo(201);
      String pid = started.json().get("id").asString();

      Map<String, HttpResponse<InputStream>> open = new LinkedHashMap<>();
      open.put("events", open(berth, "/api/v1/events"));
      open.put("changes", open(berth, "/api/v1/sessions/atstop/changes"));
      open.put("logs", open(berth, "/api/v1/sessions/atstop/logs/stream"));
      open.put("process", open(berth, "/api/v1/sessions/atstop/processes/" + pid + "/stream"));
      open.forEach(
          (kind, r) -> assertThat(r.statusCode()).as(kind + " stream status").isEqualTo(200));
      var streams = berth.server.meters().get("berth.open.streams").gauge();
      // A stream's headers reach the client before its pump is counted (CI once read 3 of 4).
      org.awaitility.Awaitility.await("every stream's pump is counted")
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> streams.value() == open.size());

      berth.stopKeepingSessions();

      for (var e : open.entrySet()) {
        // A response cut off mid-stream fails here (EOF inside the chunked body).
        assertThatCode(() -> e.getValue().body().readAllBytes())
            .as("the rest of the " + e.getKey() + " stream")
            .doesNotThrowAnyException();
      }
      assertThat(streams.value()).as("stream threads left after stop").isZero();
      assertThat(warnings.list)
          .filteredOn(w -> w.getLevel().isGreaterOrEqual(Level.WARN))
          .extracting(ILoggingEvent::getFormattedMessage)
          .isEmpty();
    } finally {
      javalinLog.detachAppender(warnings);
      // The session (and its process) goes with a server on the same home.
      new TestServer(home).close();
    }
  }

  private HttpResponse<InputStream> open(TestServer berth, String path) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(berth.url() + path))
            .header("Authorization", "Bearer " + berth.adminToken)
            .header("Accept", "text/event-stream")
            .build();
    var r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new AssertionError(
          path
              + ": "
              + r.statusCode()
              + " "
              + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    return r;
  }
}
