package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** GET /api/v1/events (Server-Sent Events) and GET /metrics (Prometheus) on a real server. */
class EventsAndMetricsTest {
  @TempDir Path home;
  private final HttpClient http = HttpClient.newHttpClient();

  /** One SSE message: its id, event name and JSON data. */
  record Sse(long id, String event, JsonNode data) {}

  /** An open event stream, read on its own thread into a queue. */
  final class Stream implements AutoCloseable {
    final BlockingQueue<Sse> messages = new LinkedBlockingQueue<>();
    final int status;
    private final java.util.concurrent.CompletableFuture<?> done;
    private final Thread reader;

    Stream(TestServer berth, String query, String token, String lastEventId) throws Exception {
      var b =
          HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/events" + query))
              .header("Accept", "text/event-stream")
              .header("Authorization", "Bearer " + token);
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<java.util.stream.Stream<String>> r =
          http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
      status = r.statusCode();
      if (status != 200) {
        String body = String.join("\n", r.body().toList());
        throw new AssertionError("event stream answered " + status + ": " + body);
      }
      done = new java.util.concurrent.CompletableFuture<>();
      reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    long id = 0;
                    String event = "";
                    try (java.util.stream.Stream<String> lines = r.body()) {
                      for (String line : (Iterable<String>) lines::iterator) {
                        if (line.startsWith("id:")) {
                          id = Long.parseLong(line.substring(3).strip());
                        } else if (line.startsWith("event:")) {
                          event = line.substring(6).strip();
                        } else if (line.startsWith("data:")) {
                          messages.add(
                              new Sse(
                                  id, event, TestServer.JSON.readTree(line.substring(5).strip())));
                        }
                      }
                    } catch (RuntimeException e) {
                      // closed by the test
                    }
                    done.complete(null);
                  });
    }

    Sse next() throws InterruptedException {
      Sse m = messages.poll(20, TimeUnit.SECONDS);
      assertThat(m).as("an event within 20 s").isNotNull();
      return m;
    }

    /** The next message of type {@code event} about {@code session}; others are skipped. */
    Sse nextOf(String event, String session) throws InterruptedException {
      while (true) {
        Sse m = next();
        if (m.event().equals(event) && m.data().get("sessionId").asString().equals(session)) {
          return m;
        }
      }
    }

    /** Whether the server ended the stream (the reader saw its end). */
    boolean ended() {
      return done.isDone();
    }

    /** The status changes of {@code session}, as "FROM>TO", until {@code last} arrives. */
    List<String> statusesUntil(String session, String last) throws InterruptedException {
      List<String> out = new ArrayList<>();
      while (true) {
        Sse m = next();
        if (!m.event().equals("status") || !m.data().get("sessionId").asString().equals(session)) {
          continue;
        }
        JsonNode d = m.data().get("data");
        String to = d.get("to").asString();
        out.add(d.get("from").isNull() ? to : d.get("from").asString() + ">" + to);
        if (to.equals(last)) {
          return out;
        }
      }
    }

    @Override
    public void close() {
      reader.interrupt();
      done.cancel(true);
    }
  }

  @Test
  void theStreamCarriesEveryStatusChangeLiveAndReplaysFromLastEventId() throws Exception {
    try (var berth = new TestServer(home);
        var live = new Stream(berth, "", berth.adminToken, null)) {
      assertThat(live.status).isEqualTo(200);
      var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"s1\"}");
      assertThat(created.status()).isEqualTo(201);
      assertThat(berth.admin("POST", "/api/v1/sessions/s1/stop", null).status()).isEqualTo(200);
      assertThat(live.statusesUntil("s1", "STOPPED"))
          .containsExactly(
              "PENDING",
              "PENDING>STARTING",
              "STARTING>RUNNING",
              "RUNNING>STOPPING",
              "STOPPING>STOPPED");

      // A client that saw only the first event gets the rest, in order, then live ones.
      long first =
          berth.admin("GET", "/api/v1/sessions/s1/events", null).json().get(0).get("id").asLong();
      try (var resumed = new Stream(berth, "?session=s1", berth.adminToken, Long.toString(first))) {
        assertThat(resumed.statusesUntil("s1", "STOPPED"))
            .containsExactly(
                "PENDING>STARTING", "STARTING>RUNNING", "RUNNING>STOPPING", "STOPPING>STOPPED");
        berth.admin("DELETE", "/api/v1/sessions/s1", null);
        assertThat(resumed.statusesUntil("s1", "DELETED")).containsExactly("STOPPED>DELETED");
      }
    }
  }

  @Test
  void aStreamOpenedWithARotatedTokenEndsAndTheOthersGoOn() throws Exception {
    try (var berth = new TestServer(home)) {
      String old = createWithToken(berth, "keys");
      String other = createWithToken(berth, "other");
      try (var mine = new Stream(berth, "", old, null);
          var admin = new Stream(berth, "", berth.adminToken, null);
          var theirs = new Stream(berth, "", other, null)) {
        var rotated = berth.admin("POST", "/api/v1/sessions/keys/token", null);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        String fresh = rotated.json().get("token").asString();

        // The old token's stream is told why, then ends: the token "stops working at once".
        assertThat(mine.nextOf("token", "keys").data().get("message").asString())
            .startsWith("token rotated by the admin");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(mine::ended);

        try (var renewed = new Stream(berth, "", fresh, null)) {
          assertThat(admin.nextOf("token", "keys")).isNotNull();
          assertThat(berth.admin("POST", "/api/v1/sessions/keys/stop", null).status())
              .isEqualTo(200);
          assertThat(berth.admin("POST", "/api/v1/sessions/other/stop", null).status())
              .isEqualTo(200);
          assertThat(renewed.statusesUntil("keys", "STOPPED")).contains("STOPPING>STOPPED");
          assertThat(admin.statusesUntil("keys", "STOPPED")).contains("STOPPING>STOPPED");
          assertThat(theirs.statusesUntil("other", "STOPPED")).contains("STOPPING>STOPPED");
          assertThat(renewed.ended()).isFalse();
          assertThat(admin.ended()).isFalse();
          assertThat(theirs.ended()).isFalse();
        }
      }
    }
  }

  private static String createWithToken(TestServer berth, String id) {
    var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"" + id + "\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().get("token").asString();
  }

  @Test
  void aSessionTokenSeesOnlyItsOwnSessionAndBadRequestsAreRefusedClearly() throws Exception {
    try (var berth = new TestServer(home)) {
      String token =
          berth
              .admin("POST", "/api/v1/sessions", "{\"id\": \"mine\"}")
              .json()
              .get("token")
              .asString();
      try (var own = new Stream(berth, "", token, null)) {
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"other\"}");
        berth.admin("POST", "/api/v1/sessions/mine/stop", null);
        List<String> sessions = new ArrayList<>();
        while (true) {
          Sse m = own.next();
          sessions.add(m.data().get("sessionId").asString());
          if (m.event().equals("status") && m.data().at("/data/to").asString().equals("STOPPED")) {
            break;
          }
        }
        assertThat(sessions).containsOnly("mine");
      }
      var otherSession =
          http.send(
              HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/events?session=other"))
                  .header("Accept", "text/event-stream")
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(otherSession.statusCode()).isEqualTo(404);
      var badId =
          http.send(
              HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/events?after=x"))
                  .header("Accept", "text/event-stream")
                  .header("Authorization", "Bearer " + berth.adminToken)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(badId.statusCode()).isEqualTo(400);
      assertThat(badId.body()).contains("bad_request", "must be an event id");
      assertThat(berth.call("GET", "/api/v1/events", null, null).status()).isEqualTo(401);
      var noAccept = berth.admin("GET", "/api/v1/events", null);
      assertThat(noAccept.status()).isEqualTo(400);
      assertThat(noAccept.text()).contains("Accept: text/event-stream");
    }
  }

  @Test
  void aReplayForASessionThatTookADeletedSessionsIdHasOnlyItsOwnEvents() throws Exception {
    try (var berth = new TestServer(home)) {
      assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"twice\"}").status())
          .isEqualTo(201);
      assertThat(berth.admin("DELETE", "/api/v1/sessions/twice", null).status()).isEqualTo(200);
      String token =
          berth
              .admin("POST", "/api/v1/sessions", "{\"id\": \"twice\"}")
              .json()
              .get("token")
              .asString();
      berth.admin("POST", "/api/v1/sessions/twice/stop", null);
      for (String[] who : new String[][] {{"", token}, {"?session=twice", berth.adminToken}}) {
        try (var replay = new Stream(berth, who[0], who[1], "0")) {
          List<String> types = new ArrayList<>();
          List<Integer> incarnations = new ArrayList<>();
          while (true) {
            Sse m = replay.next();
            types.add(m.event());
            incarnations.add(m.data().path("incarnation").asInt(0));
            if (m.event().equals("status")
                && m.data().at("/data/to").asString().equals("STOPPED")) {
              break;
            }
          }
          assertThat(types).as(who[0]).doesNotContain("deleting", "cleanup");
          assertThat(incarnations).as(who[0]).containsOnly(2);
        }
      }
      try (var all = new Stream(berth, "", berth.adminToken, "0")) {
        Sse first = all.next();
        assertThat(first.data().path("incarnation").asInt(0))
            .as("the admin's whole stream has every incarnation")
            .isEqualTo(1);
      }
    }
  }

  @Test
  void metricsCountSessionsCreatesAndDeletesForTheAdminOnly() {
    try (var berth = new TestServer(home)) {
      String token =
          berth
              .admin("POST", "/api/v1/sessions", "{\"id\": \"m1\"}")
              .json()
              .get("token")
              .asString();
      berth.admin("POST", "/api/v1/sessions", "{\"id\": \"m2\"}");
      assertThat(berth.admin("DELETE", "/api/v1/sessions/m2", null).status()).isEqualTo(200);

      var metrics = berth.admin("GET", "/metrics", null);
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.contentType()).startsWith("text/plain");
      assertThat(metrics.text())
          .contains("berth_sessions{backend=\"local\",status=\"RUNNING\"} 1.0")
          .contains("berth_sessions{backend=\"local\",status=\"FAILED\"} 0.0")
          .contains("berth_session_create_seconds_count{backend=\"local\",status=\"RUNNING\"} 2")
          .contains("berth_session_create_seconds_bucket{backend=\"local\",status=\"RUNNING\",le=")
          .contains("berth_session_delete_seconds_count{backend=\"local\",complete=\"true\"} 1")
          .contains("berth_reconcile_passes_total")
          .contains("berth_reconcile_errors_total 0.0")
          .contains("berth_orphans_removed_total 0.0")
          .contains("berth_backend_connected{backend=\"local\"} 1.0")
          .contains("jvm_memory_used_bytes", "process_uptime_seconds");
      assertThat(berth.call("GET", "/metrics", token, null).status()).isEqualTo(403);
      assertThat(berth.call("GET", "/metrics", null, null).status()).isEqualTo(401);
    }
  }
}
