package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST .../exec} with {@code "stream": true} against a real server on the local backend: the
 * output arrives while the command runs, then its exit; errors before the first output keep their
 * status, later ones are the last line; the executor's session streams with the executor's token.
 */
class ExecStreamTest {
  @TempDir static Path home;
  static TestServer berth;
  static String tokenA;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    berth = new TestServer(home);
    tokenA = created("sa");
    created("sb");
  }

  @AfterAll
  static void stop() {
    berth.close();
  }

  private static String created(String id) {
    Response r = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"" + id + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("token").asString();
  }

  /** The streamed exec's answer, read line by line as it arrives. */
  private static HttpResponse<Stream<String>> stream(String session, String token, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/sessions/" + session + "/exec"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30)) // for the headers, which come with the first output
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofLines());
  }

  private static JsonNode json(String line) {
    return TestServer.JSON.readTree(line);
  }

  private static List<JsonNode> rest(Iterator<String> lines) {
    List<JsonNode> out = new ArrayList<>();
    lines.forEachRemaining(l -> out.add(json(l)));
    return out;
  }

  @Test
  void theOutputArrivesWhileTheCommandRunsThenItsExitCode() throws Exception {
    var r =
        stream(
            "sa",
            tokenA,
            "{\"stream\": true, \"command\": \"echo first; while [ ! -e go ]; do sleep 0.05;"
                + " done; echo second; echo err >&2; exit 3\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith(ExecStream.CONTENT_TYPE);
    Iterator<String> lines = r.body().iterator();
    assertThat(json(lines.next()).toString())
        .isEqualTo("{\"stream\":\"stdout\",\"text\":\"first\\n\"}");

    // The command waits for this file: the first line came before it could end.
    assertThat(berth.admin("PUT", "/api/v1/sessions/sa/files/go", new byte[0]).status())
        .isEqualTo(201);
    List<JsonNode> after = rest(lines);
    JsonNode end = after.getLast();
    assertThat(end.get("exitCode").asInt()).isEqualTo(3);
    assertThat(end.get("timedOut").asBoolean()).isFalse();
    assertThat(end.get("stdoutBytes").asLong()).isEqualTo(13);
    assertThat(end.get("stderrBytes").asLong()).isEqualTo(4);
    assertThat(end.has("durationMs")).isTrue();
    assertThat(after.subList(0, after.size() - 1))
        .extracting(JsonNode::toString)
        .containsExactlyInAnyOrder(
            "{\"stream\":\"stdout\",\"text\":\"second\\n\"}",
            "{\"stream\":\"stderr\",\"text\":\"err\\n\"}");
  }

  @Test
  void aCharacterSplitBetweenTwoReadsArrivesWhole() throws Exception {
    var r =
        stream(
            "sa",
            tokenA,
            "{\"stream\": true, \"command\": \"printf '\\\\303'; sleep 0.3; printf '\\\\251\\\\n'\"}");
    List<JsonNode> all = rest(r.body().iterator());
    StringBuilder text = new StringBuilder();
    all.stream().filter(n -> n.has("text")).forEach(n -> text.append(n.get("text").asString()));
    assertThat(text.toString()).isEqualTo("\u00e9\n");
    assertThat(all.getLast().get("exitCode").asInt()).isZero();
  }

  @Test
  void theStreamCarriesAllTheOutputBeyondWhatAPlainExecAnswerKeeps() throws Exception {
    int size = (1 << 20) * 2 + 17; // past execMaxOutputBytes (1 MiB by default)
    var r =
        stream(
            "sa",
            tokenA,
            "{\"stream\": true, \"command\": \"head -c " + size + " /dev/zero | tr '\\\\0' x\"}");
    long streamed = 0;
    JsonNode last = null;
    for (Iterator<String> lines = r.body().iterator(); lines.hasNext(); ) {
      last = json(lines.next());
      if (last.has("text")) {
        streamed += last.get("text").asString().length();
      }
    }
    assertThat(streamed).isEqualTo(size);
    assertThat(last.get("stdoutBytes").asLong()).isEqualTo(size);
    assertThat(last.get("exitCode").asInt()).isZero();
  }

  @Test
  void theTimeoutKillsAStreamedCommandAsItKillsAnyExec() throws Exception {
    var r =
        stream(
            "sa",
            tokenA,
            "{\"stream\": true, \"timeout\": 1, \"command\": \"echo begun; sleep 30\"}");
    List<JsonNode> all = rest(r.body().iterator());
    assertThat(all.getFirst().get("text").asString()).isEqualTo("begun\n");
    assertThat(all.getLast().get("exitCode").asInt()).isEqualTo(-1);
    assertThat(all.getLast().get("timedOut").asBoolean()).isTrue();
  }

  @Test
  void errorsBeforeTheFirstOutputKeepTheirStatusAndLaterOnesAreTheLastLine() throws Exception {
    assertThat(stream("sb", tokenA, "{\"stream\": true, \"command\": \"true\"}").statusCode())
        .as("another session's token")
        .isEqualTo(404);
    var bad =
        berth.call(
            "POST",
            "/api/v1/sessions/sa/exec",
            tokenA,
            "{\"stream\": \"yes\", \"command\": \"true\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text()).contains("stream");
    var missingDir =
        berth.call(
            "POST",
            "/api/v1/sessions/sa/exec",
            tokenA,
            "{\"stream\": true, \"command\": \"true\", \"cwd\": \"../x\"}");
    assertThat(missingDir.status()).isEqualTo(400);

    created("gone");
    var r =
        stream(
            "gone",
            berth.adminToken,
            "{\"stream\": true, \"command\": \"echo started; sleep 60\"}");
    Iterator<String> lines = r.body().iterator();
    assertThat(json(lines.next()).get("text").asString()).isEqualTo("started\n");
    assertThat(berth.admin("DELETE", "/api/v1/sessions/gone", null).status()).isEqualTo(200);
    List<JsonNode> after = rest(lines);
    assertThat(after.getLast())
        .isEqualTo(
            json(
                "{\"error\":{\"code\":\"conflict\",\"message\":\"exec ended: session 'gone' is"
                    + " being deleted\"}}"));

    assertThat(berth.admin("POST", "/api/v1/sessions/sb/stop", null).status()).isEqualTo(200);
    var stopped =
        berth.admin(
            "POST", "/api/v1/sessions/sb/exec", "{\"stream\": true, \"command\": \"true\"}");
    assertThat(stopped.status()).isEqualTo(409);
    assertThat(stopped.errorCode()).isEqualTo("conflict");
  }

  @Test
  void aPipelineExecutorStreamsItsStepWithTheTokenItWasGiven() throws Exception {
    Response made = berth.admin("POST", "/executor/ci-run-7", "{}");
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    String token = made.json().get("token").asString();

    var r = stream("ci-run-7", token, "{\"stream\": true, \"command\": \"echo step; exit 0\"}");
    List<JsonNode> all = rest(r.body().iterator());
    assertThat(all.getFirst().toString()).isEqualTo("{\"stream\":\"stdout\",\"text\":\"step\\n\"}");
    assertThat(all.getLast().get("exitCode").asInt()).isZero();

    assertThat(berth.admin("DELETE", "/executor/ci-run-7", null).status()).isEqualTo(200);
  }
}
