package dev.berth.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.server.ChangeStreamClient;
import dev.berth.server.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change stream on the local backend (native watcher): a file written by a process in the
 * session, by REST, and through the service as MCP writes each appear, attributed, within the
 * documented latency (0.1 s; 2 s allowed here for a busy machine).
 */
class ChangeStreamLocalTest {
  private static final Duration LOCAL_LATENCY = Duration.ofSeconds(2);

  @TempDir Path home;
  private TestServer berth;
  private String token;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"watched\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    token = created.json().get("token").asString();
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  @Test
  void changesByAProcessByRestAndByMcpAppearAttributed() throws Exception {
    try (var stream = new ChangeStreamClient(berth, "watched", token)) {
      var put =
          berth.call("PUT", "/api/v1/sessions/watched/files/rest.txt", token, "r".getBytes(UTF_8));
      assertThat(put.status()).isEqualTo(201);
      stream.awaitChange("rest.txt", "api", LOCAL_LATENCY);

      var exec =
          berth.call(
              "POST",
              "/api/v1/sessions/watched/exec",
              token,
              "{\"command\": [\"sh\", \"-c\", \"mkdir -p deep/er && echo p > deep/er/proc.txt\"]}");
      assertThat(exec.status()).as(exec.toString()).isEqualTo(200);
      stream.awaitChange("deep/er/proc.txt", "session", LOCAL_LATENCY);

      berth
          .server
          .sessions()
          .workspace()
          .via("mcp")
          .writeFile(SessionId.of("watched"), "agent.txt", new ByteArrayInputStream(new byte[1]));
      stream.awaitChange("agent.txt", "mcp", LOCAL_LATENCY);

      var delete = berth.call("DELETE", "/api/v1/sessions/watched/files/rest.txt", token, null);
      assertThat(delete.status()).isEqualTo(204);
      Awaitility.await()
          .atMost(LOCAL_LATENCY)
          .until(() -> stream.changesOf("rest.txt").contains("deleted api"));

      // Berth's own writes are reported once, as the edge's: the watcher's echo is dropped.
      assertThat(stream.changesOf("rest.txt")).containsExactly("changed api", "deleted api");
      assertThat(stream.changesOf("agent.txt")).containsExactly("changed mcp");
      assertThat(stream.messages())
          .noneMatch(
              m ->
                  m.event().equals("change")
                      && m.data().get("path").asString().contains(".berth-"));
      assertThat(stream.messages().getFirst().event()).isEqualTo("watching");
      assertThat(stream.messages().getFirst().data().get("watching").asString())
          .isEqualTo("native");
    }
  }

  @Test
  void aCursorGivesWhatCameAfterItAndAnOldOneSaysGap() {
    var ws = berth.server.sessions().workspace();
    SessionId id = SessionId.of("watched");
    long start = ws.changes(id, Optional.empty(), 10, Duration.ZERO).cursor();
    ws.writeFile(id, "a.txt", new ByteArrayInputStream(new byte[1]));
    ws.writeFile(id, "b.txt", new ByteArrayInputStream(new byte[1]));
    var page = ws.changes(id, Optional.of(start), 1, Duration.ofSeconds(5));
    assertThat(page.changes()).extracting(c -> c.path()).containsExactly("a.txt");
    assertThat(page.more()).isTrue();
    assertThat(page.gap()).isFalse();
    var next = ws.changes(id, Optional.of(page.cursor()), 10, Duration.ofSeconds(5));
    assertThat(next.changes()).extracting(c -> c.path()).containsExactly("b.txt");

    var old = ws.changes(id, Optional.of(1L), 10, Duration.ZERO);
    assertThat(old.gap()).isTrue();
    assertThat(old.changes()).extracting(c -> c.path()).containsExactly("a.txt", "b.txt");
  }

  @Test
  void theStreamEndsWhenTheSessionIsDeleted() throws Exception {
    try (var stream = new ChangeStreamClient(berth, "watched", token)) {
      assertThat(berth.admin("DELETE", "/api/v1/sessions/watched", null).status()).isEqualTo(200);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stream.messages().stream().anyMatch(m -> m.event().equals("end")));
    }
  }

  @Test
  void aSessionHoldsAtMost16StreamsAndAClosedOneFreesItsPlace() throws Exception {
    var streams = new java.util.ArrayList<ChangeStreamClient>();
    try {
      for (int i = 0; i < ChangeStream.STREAMS_PER_SESSION; i++) {
        streams.add(new ChangeStreamClient(berth, "watched", token));
      }
      var refused = sseStatus();
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.errorCode()).isEqualTo("too_many_requests");
      assertThat(refused.text()).contains("16 open change streams");

      streams.removeFirst().close();
      // The server notices a closed stream at its next write: a keep-alive at the latest.
      Awaitility.await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> sseStatus().status() != 429);
    } finally {
      streams.forEach(ChangeStreamClient::close);
    }
  }

  /** Opens a change stream and answers with its status (and error body), closing it at once. */
  private TestServer.Response sseStatus() throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(berth.url() + "/api/v1/sessions/watched/changes"))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + token)
            .build();
    var r =
        java.net.http.HttpClient.newHttpClient()
            .sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream())
            .get(30, java.util.concurrent.TimeUnit.SECONDS);
    try (var body = r.body()) {
      byte[] bytes = r.statusCode() == 200 ? new byte[0] : body.readAllBytes();
      return new TestServer.Response(r.statusCode(), bytes, "");
    }
  }

  @Test
  void aClientThatDoesNotAskForAnEventStreamGetsA400ThatSaysHow() {
    var r = berth.call("GET", "/api/v1/sessions/watched/changes", token, null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("text/event-stream").contains("session_changes");
  }
}
