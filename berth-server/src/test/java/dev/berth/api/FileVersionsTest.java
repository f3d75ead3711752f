package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.AppendRace;
import dev.berth.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** File versions over REST on the local backend: ETag, If-Match, If-None-Match, 412. */
class FileVersionsTest {
  @TempDir Path home;
  private TestServer berth;
  private String token;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"coedit\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    token = created.json().get("token").asString();
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/sessions/coedit/files/" + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String etag(HttpResponse<?> r) {
    return r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + r));
  }

  @Test
  void aWriteOverAStaleVersionIsRefusedWith412AndTheCurrentVersion() throws Exception {
    var created = send("PUT", "notes.txt", "one\n");
    assertThat(created.statusCode()).isEqualTo(201);
    String v1 = etag(created);
    assertThat(v1).matches("\"[0-9a-f]{32}\"");

    var read = send("GET", "notes.txt", null);
    assertThat(read.body()).isEqualTo("one\n");
    assertThat(etag(read)).isEqualTo(v1);

    var second = send("PUT", "notes.txt", "one\ntwo\n", "If-Match", v1);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
    String v2 = etag(second);
    assertThat(v2).isNotEqualTo(v1);

    var stale = send("PUT", "notes.txt", "one\nlost\n", "If-Match", v1);
    assertThat(stale.statusCode()).isEqualTo(412);
    JsonNode error = TestServer.JSON.readTree(stale.body()).get("error");
    assertThat(error.get("code").asString()).isEqualTo("version_conflict");
    assertThat(error.get("message").asString())
        .contains("changed since it was read")
        .contains("nothing was written");
    assertThat("\"" + error.get("currentVersion").asString() + "\"").isEqualTo(v2);
    assertThat(etag(stale)).isEqualTo(v2);
    assertThat(send("GET", "notes.txt", null).body()).isEqualTo("one\ntwo\n");

    // One of several tags, unquoted or quoted, and * (any existing file) all match.
    assertThat(send("PUT", "notes.txt", "three\n", "If-Match", v1 + ", " + v2).statusCode())
        .isEqualTo(201);
    assertThat(send("PUT", "notes.txt", "four\n", "If-Match", "*").statusCode()).isEqualTo(201);
    assertThat(send("PUT", "weak.txt", "x", "If-Match", "W/" + v1).statusCode()).isEqualTo(400);
  }

  @Test
  void createOnlyAndAMissingFileAreConflictsToo() throws Exception {
    assertThat(send("PUT", "new.txt", "first", "If-None-Match", "*").statusCode()).isEqualTo(201);
    var again = send("PUT", "new.txt", "second", "If-None-Match", "*");
    assertThat(again.statusCode()).isEqualTo(412);
    assertThat(again.body()).contains("already exists").contains("created only");
    assertThat(send("GET", "new.txt", null).body()).isEqualTo("first");

    var missing = send("PUT", "gone.txt", "x", "If-Match", "\"0123456789abcdef0123456789abcdef\"");
    assertThat(missing.statusCode()).isEqualTo(412);
    JsonNode error = TestServer.JSON.readTree(missing.body()).get("error");
    assertThat(error.get("currentVersion").isNull()).isTrue();
    assertThat(error.get("message").asString()).contains("does not exist");
    assertThat(send("PUT", "gone.txt", "x", "If-Match", "*").statusCode()).isEqualTo(412);
    assertThat(send("GET", "gone.txt", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aGetWithTheCurrentVersionInIfNoneMatchIs304() throws Exception {
    String v = etag(send("PUT", "a.txt", "a"));
    var unchanged = send("GET", "a.txt", null, "If-None-Match", v);
    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    send("PUT", "a.txt", "b");
    assertThat(send("GET", "a.txt", null, "If-None-Match", v).statusCode()).isEqualTo(200);
  }

  @Test
  void tenClientsAppendingWithIfMatchLoseNothing() throws Exception {
    var race = new AppendRace(berth, "coedit", token, "log.txt");
    race.run(10, 10);

    List<String> lines = Arrays.asList(send("GET", "log.txt", null).body().split("\n"));
    assertThat(lines).hasSize(100);
    assertThat(new HashSet<>(lines)).hasSize(100);
    // The race is real: clients did collide, and their writes were refused, not lost.
    assertThat(race.conflicts()).as("conflicts retried").isPositive();
  }

  @Test
  void aFileVersionIsAHashOfItsContentSoEqualContentHasEqualVersions() throws Exception {
    String a = etag(send("PUT", "x.txt", "same"));
    String b = etag(send("PUT", "y.txt", "same"));
    assertThat(a).isEqualTo(b);
    assertThat(etag(send("GET", "x.txt", null))).isEqualTo(a);
  }
}
