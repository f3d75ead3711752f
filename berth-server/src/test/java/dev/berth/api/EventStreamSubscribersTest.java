package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only a real event stream holds a subscriber (and its event queue), one credential holds a bounded
 * number of them, and a stream whose client went away gives its subscriber back; counted by the
 * {@code berth_event_streams} gauge on a real server.
 */
class EventStreamSubscribersTest {
  private static final Pattern GAUGE = Pattern.compile("(?m)^berth_event_streams ([0-9.]+)$");
  @TempDir Path home;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void requestsThatAreNotStreamsLeaveNoSubscriberBehind() throws Exception {
    try (var berth = new TestServer(home)) {
      for (int i = 0; i < 300; i++) {
        assertThat(send(berth, "POST", "", berth.adminToken, true).statusCode()).isIn(404, 405);
      }
      for (int i = 0; i < 100; i++) {
        send(berth, "HEAD", "", berth.adminToken, true);
        assertThat(send(berth, "GET", "?after=x", berth.adminToken, true).statusCode())
            .isEqualTo(400);
        assertThat(send(berth, "GET", "", berth.adminToken, false).statusCode()).isEqualTo(400);
        assertThat(send(berth, "PUT", "", berth.adminToken, true).statusCode()).isIn(404, 405);
        assertThat(send(berth, "GET", "", "wrong", true).statusCode()).isEqualTo(401);
      }
      assertThat(streams(berth)).as("subscribers after 800 requests that are no stream").isZero();
    }
  }

  @Test
  void oneTokenHoldsAtMostSixteenStreamsAndClosedOnesAreGivenBack() throws Exception {
    try (var berth = new TestServer(home)) {
      var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"busy\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String token = created.json().get("token").asString();
      List<InputStream> open = new ArrayList<>();
      try {
        for (int i = 0; i < EventStream.STREAMS_PER_CREDENTIAL; i++) {
          open.add(openStream(berth, token));
        }
        assertThat(streams(berth)).isEqualTo(EventStream.STREAMS_PER_CREDENTIAL);

        var refused = send(berth, "GET", "", token, true);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body())
            .contains("too_many_requests", "16 open event streams", "close one");
        assertThat(streams(berth)).isEqualTo(EventStream.STREAMS_PER_CREDENTIAL);

        // The bound is per credential: the admin's stream is another's.
        open.add(openStream(berth, berth.adminToken));
        assertThat(streams(berth)).isEqualTo(EventStream.STREAMS_PER_CREDENTIAL + 1);

        for (int i = 0; i < 4; i++) {
          open.removeFirst().close();
        }
        // The server learns that a client left when it writes to it: the session's events (or
        // the next keep-alive) do that.
        assertThat(berth.admin("POST", "/api/v1/sessions/busy/stop", null).status()).isEqualTo(200);
        assertThat(berth.admin("POST", "/api/v1/sessions/busy/start", null).status())
            .isEqualTo(200);
        Awaitility.await()
            .atMost(Duration.ofSeconds(45))
            .until(() -> streams(berth) == EventStream.STREAMS_PER_CREDENTIAL + 1 - 4);
        open.add(openStream(berth, token));
        assertThat(streams(berth)).isEqualTo(EventStream.STREAMS_PER_CREDENTIAL + 1 - 3);
      } finally {
        for (InputStream in : open) {
          in.close();
        }
      }
    }
  }

  /** An event stream that stays open until the returned body is closed. */
  private InputStream openStream(TestServer berth, String token) throws Exception {
    var r =
        http.send(
            request(berth, "GET", "", token, true).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      String body;
      try (InputStream in = r.body()) {
        body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      throw new AssertionError("event stream answered " + r.statusCode() + ": " + body);
    }
    return r.body();
  }

  private HttpResponse<String> send(
      TestServer berth, String method, String query, String token, boolean accept)
      throws Exception {
    // Bounded: a request that became a stream (which it should not have) fails the test.
    return http.sendAsync(
            request(berth, method, query, token, accept).build(),
            HttpResponse.BodyHandlers.ofString())
        .get(20, TimeUnit.SECONDS);
  }

  private static HttpRequest.Builder request(
      TestServer berth, String method, String query, String token, boolean accept) {
    var b =
        HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/events" + query))
            .header("Authorization", "Bearer " + token)
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (accept) {
      b.header("Accept", "text/event-stream");
    }
    return b;
  }

  /** The number of event-stream subscribers the server reports. */
  private static int streams(TestServer berth) {
    var metrics = berth.admin("GET", "/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    Matcher m = GAUGE.matcher(metrics.text());
    assertThat(m.find()).as("berth_event_streams in /metrics").isTrue();
    return (int) Double.parseDouble(m.group(1));
  }
}
