package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET .../logs/stream} refuses what it cannot serve before any stream begins, and bounds how
 * many follows one credential holds (each holds a follow in the backend). What it streams is tested
 * through the CLI ({@code FollowCliTest}) and the runtime contract.
 */
class LogStreamsTest {
  @TempDir static Path home;
  static TestServer berth;
  static String token;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    berth = new TestServer(home);
    var r = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"ls\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    token = r.json().get("token").asString();
  }

  @AfterAll
  static void stop() {
    berth.close();
  }

  private static HttpResponse<InputStream> open(String pathAndQuery, String accept)
      throws Exception {
    return open(pathAndQuery, accept, token);
  }

  private static HttpResponse<InputStream> open(String pathAndQuery, String accept, String as)
      throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(berth.url() + pathAndQuery))
            .header("Authorization", "Bearer " + as);
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private static String body(HttpResponse<InputStream> r) throws Exception {
    try (InputStream in = r.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void whatCannotBeStreamedIsAPlainErrorBeforeTheStream() throws Exception {
    var noAccept = open("/api/v1/sessions/ls/logs/stream", null);
    assertThat(noAccept.statusCode()).isEqualTo(400);
    assertThat(body(noAccept)).contains("text/event-stream");

    var badLines = open("/api/v1/sessions/ls/logs/stream?lines=x", "text/event-stream");
    assertThat(badLines.statusCode()).isEqualTo(400);
    assertThat(body(badLines)).contains("lines");

    var noContainer = open("/api/v1/sessions/ls/logs/stream?container=db", "text/event-stream");
    assertThat(noContainer.statusCode()).isEqualTo(404);
    assertThat(body(noContainer)).contains("db");

    var noSession = open("/api/v1/sessions/nosuch/logs/stream", "text/event-stream");
    assertThat(noSession.statusCode()).isEqualTo(404);
  }

  @Test
  void oneCredentialFollowsAtMostFourLogsAtOnce() throws Exception {
    // The admin's: a stream whose client left is freed only when Berth next writes to it (its
    // keep-alive, within 15 s), so these would hold the session token's places that long.
    String admin = berth.adminToken;
    List<HttpResponse<InputStream>> held = new ArrayList<>();
    try {
      for (int i = 0; i < LogStreams.PER_CREDENTIAL; i++) {
        var r = open("/api/v1/sessions/ls/logs/stream", "text/event-stream", admin);
        assertThat(r.statusCode()).isEqualTo(200);
        held.add(r);
      }
      var over = open("/api/v1/sessions/ls/logs/stream", "text/event-stream", admin);
      assertThat(over.statusCode()).isEqualTo(429);
      assertThat(body(over)).contains("already follows 4 logs");
      // Another credential has places of its own.
      var other = open("/api/v1/sessions/ls/logs/stream", "text/event-stream");
      assertThat(other.statusCode()).isEqualTo(200);
      held.add(other);
    } finally {
      for (var r : held) {
        r.body().close();
      }
    }
  }
}
