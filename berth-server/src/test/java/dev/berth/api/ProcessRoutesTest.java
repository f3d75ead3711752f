package dev.berth.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The process routes against a real server on the local backend: start, list, status, the SSE
 * stream with its exit event, the WebSocket attach (stdin, resize, close stdin, exit), signals and
 * kill, and who may reach a process (its session's token only; a dashboard login only from Berth's
 * own pages).
 */
class ProcessRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir static Path home;
  static TestServer berth;
  static String tokenA;
  static String tokenB;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    berth = new TestServer(home);
    tokenA = created("pa");
    tokenB = created("pb");
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

  private static JsonNode startProcess(String session, String token, String body) {
    Response r = berth.call("POST", "/api/v1/sessions/" + session + "/processes", token, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  /** The process's state once it ended, read by waiting on its output until the end. */
  private static JsonNode ended(String session, String pid, String token) {
    long since = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Response r =
          berth.call(
              "GET",
              "/api/v1/sessions/"
                  + session
                  + "/processes/"
                  + pid
                  + "/output?wait=5&max=1048576&since="
                  + since,
              token,
              null);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      if (r.json().get("ended").asBoolean()) {
        // The exit completes after the last output: the state says so once both are in.
        for (int j = 0; j < 50; j++) {
          JsonNode p =
              berth
                  .call("GET", "/api/v1/sessions/" + session + "/processes/" + pid, token, null)
                  .json();
          if (p.get("state").asString().equals("exited")) {
            return p;
          }
        }
        throw new AssertionError("output ended but the process did not: " + r);
      }
      since = r.json().get("next").asLong();
    }
    throw new AssertionError("process " + pid + " did not end");
  }

  /** All output of a process, read with the output route until it has {@code expected}. */
  private static String outputUntil(String session, String pid, String token, String expected) {
    StringBuilder seen = new StringBuilder();
    long since = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!seen.toString().contains(expected)) {
      assertThat(System.nanoTime()).as("output so far: " + seen).isLessThan(deadline);
      Response r =
          berth.call(
              "GET",
              "/api/v1/sessions/" + session + "/processes/" + pid + "/output?wait=2&since=" + since,
              token,
              null);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      for (JsonNode c : r.json().get("chunks")) {
        seen.append(c.get("text").asString());
      }
      since = r.json().get("next").asLong();
    }
    return seen.toString();
  }

  // ---- start, list, status, SSE ------------------------------------------------------------

  @Test
  void aStartedProcessIsListedItsOutputStreamsAsEventsAndItsExitCodeEndsTheStream()
      throws Exception {
    JsonNode p =
        startProcess("pa", tokenA, "{\"command\": \"echo out-line; echo err-line >&2; exit 3\"}");
    String pid = p.get("id").asString();
    assertThat(pid).startsWith("p");
    assertThat(p.get("command").toString()).contains("/bin/sh", "-c", "echo out-line");
    assertThat(p.get("background").asBoolean()).isFalse();

    Response list = berth.call("GET", "/api/v1/sessions/pa/processes", tokenA, null);
    assertThat(list.status()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    list.json().forEach(e -> ids.add(e.get("id").asString()));
    assertThat(ids).contains(pid);

    List<Sse> events = stream("pa", pid, tokenA, null);
    assertThat(events).last().satisfies(e -> assertThat(e.event()).isEqualTo("exit"));
    JsonNode exit = events.getLast().data();
    assertThat(exit.get("exitCode").asInt()).isEqualTo(3);
    assertThat(exit.get("endedBy").isNull()).isTrue();
    StringBuilder stdout = new StringBuilder();
    StringBuilder stderr = new StringBuilder();
    for (Sse e : events) {
      if (e.event().equals("output")) {
        String stream = e.data().get("stream").asString();
        (stream.equals("stdout") ? stdout : stderr).append(e.data().get("text").asString());
        // The SSE id is the offset after the chunk, for Last-Event-ID.
        assertThat(e.id())
            .isEqualTo(
                e.data().get("offset").asLong()
                    + e.data().get("text").asString().getBytes(UTF_8).length);
      }
    }
    assertThat(stdout.toString()).isEqualTo("out-line\n");
    assertThat(stderr.toString()).isEqualTo("err-line\n");

    JsonNode status =
        berth.call("GET", "/api/v1/sessions/pa/processes/" + pid, tokenA, null).json();
    assertThat(status.get("state").asString()).isEqualTo("exited");
    assertThat(status.get("exitCode").asInt()).isEqualTo(3);
    assertThat(status.get("outputBytes").asLong()).isEqualTo(18);
  }

  @Test
  void aStreamResumesAfterTheLastEventIdItSaw() throws Exception {
    String pid =
        startProcess("pa", tokenA, "{\"command\": [\"printf\", \"abcdef\"]}").get("id").asString();
    ended("pa", pid, tokenA);
    List<Sse> resumed = stream("pa", pid, tokenA, "3");
    StringBuilder text = new StringBuilder();
    resumed.stream()
        .filter(e -> e.event().equals("output"))
        .forEach(e -> text.append(e.data().get("text").asString()));
    assertThat(text.toString()).isEqualTo("def");
    assertThat(resumed.getLast().event()).isEqualTo("exit");
    assertThat(resumed.getLast().data().get("exitCode").asInt()).isZero();
  }

  @Test
  void aProcessRunsInTheContainerAskedForAsAnExecDoes() {
    JsonNode inMain =
        startProcess("pa", tokenA, "{\"command\": [\"true\"], \"container\": \"session\"}");
    assertThat(ended("pa", inMain.get("id").asString(), tokenA).get("exitCode").asInt()).isZero();
    Response elsewhere =
        berth.call(
            "POST",
            "/api/v1/sessions/pa/processes",
            tokenA,
            "{\"command\": [\"true\"], \"container\": \"plugin\"}");
    assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(404);
    assertThat(elsewhere.text()).contains("no container 'plugin'; its containers: session");
    Response wrongType =
        berth.call(
            "POST",
            "/api/v1/sessions/pa/processes",
            tokenA,
            "{\"command\": [\"true\"], \"container\": 1}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.text()).contains("container");
  }

  @Test
  void aStreamWithABadParameterIsRefusedBeforeItBegins() throws Exception {
    String pid = startProcess("pa", tokenA, "{\"command\": [\"true\"]}").get("id").asString();
    for (String query : List.of("?since=abc", "?since=-1", "?encoding=hex")) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          berth.url() + "/api/v1/sessions/pa/processes/" + pid + "/stream" + query))
                  .header("Authorization", "Bearer " + tokenA)
                  .header("Accept", "text/event-stream")
                  .timeout(WAIT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(400);
      assertThat(r.body()).contains(query.substring(1, query.indexOf('=')));
    }
    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(berth.url() + "/api/v1/sessions/pa/processes/p999/stream"))
                .header("Authorization", "Bearer " + tokenA)
                .header("Accept", "text/event-stream")
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    // Without asking for an event stream, Javalin would answer an empty 200: Berth says what to
    // send.
    HttpResponse<String> notAsked =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(berth.url() + "/api/v1/sessions/pa/processes/" + pid + "/stream"))
                .header("Authorization", "Bearer " + tokenA)
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(notAsked.statusCode()).as(notAsked.body()).isEqualTo(400);
    assertThat(notAsked.body()).contains("send 'Accept: text/event-stream'");
    assertThat(unknown.body()).contains("has no process 'p999'");
  }

  // ---- WebSocket attach ----------------------------------------------------------------------

  @Test
  void anAttachedSocketCarriesStdinBothWaysAndTheExitThenCloses() throws Exception {
    String pid =
        startProcess("pa", tokenA, "{\"command\": [\"cat\"], \"openStdin\": true}")
            .get("id")
            .asString();
    var frames = new Frames();
    WebSocket ws = attach("pa", pid, Map.of("Authorization", "Bearer " + tokenA), frames);
    ws.sendBinary(frame(ProcessAttach.STDIN, "hello berth\n"), true).get(10, TimeUnit.SECONDS);
    assertThat(frames.textOn(ProcessAttach.STDOUT, "hello berth\n")).isEqualTo("hello berth\n");
    ws.sendBinary(frame(ProcessAttach.CLOSE_STDIN, ""), true).get(10, TimeUnit.SECONDS);
    Frame exit = frames.next(ProcessAttach.EXIT);
    JsonNode end = TestServer.JSON.readTree(exit.payload());
    assertThat(end.get("exitCode").asInt()).isZero();
    assertThat(frames.closeCode()).isEqualTo(1000);
  }

  @Test
  void anAttachedTerminalIsResizedAndReportsTheCommandsExitCode() throws Exception {
    String pid =
        startProcess(
                "pa",
                tokenA,
                "{\"command\": [\"/bin/sh\"], \"openStdin\": true,"
                    + " \"tty\": {\"cols\": 90, \"rows\": 20}}")
            .get("id")
            .asString();
    var frames = new Frames();
    WebSocket ws = attach("pa", pid, Map.of("Authorization", "Bearer " + tokenA), frames);
    ws.sendBinary(frame(ProcessAttach.STDIN, "stty size\n"), true).get(10, TimeUnit.SECONDS);
    frames.textOn(ProcessAttach.STDOUT, "20 90");
    ws.sendBinary(frame(ProcessAttach.RESIZE, "{\"cols\": 123, \"rows\": 41}"), true)
        .get(10, TimeUnit.SECONDS);
    ws.sendBinary(frame(ProcessAttach.STDIN, "stty size; exit 4\n"), true)
        .get(10, TimeUnit.SECONDS);
    frames.textOn(ProcessAttach.STDOUT, "41 123");
    JsonNode end = TestServer.JSON.readTree(frames.next(ProcessAttach.EXIT).payload());
    assertThat(end.get("exitCode").asInt()).isEqualTo(4);
    assertThat(frames.closeCode()).isEqualTo(1000);
  }

  @Test
  void aLateReaderOfABackgroundProcessIsToldHowManyBytesItMissed() throws Exception {
    // 2,000,000 bytes, nobody reading: the log keeps the last 1 MiB (1,048,576 bytes).
    String pid =
        startProcess(
                "pa",
                tokenA,
                "{\"command\": \"head -c 2000000 /dev/zero | tr '\\\\0' a\","
                    + " \"background\": true}")
            .get("id")
            .asString();
    assertThat(ended("pa", pid, tokenA).get("outputBytes").asLong()).isEqualTo(2_000_000);
    long missed = 2_000_000 - (1 << 20);

    List<Sse> events = stream("pa", pid, tokenA, null);
    assertThat(events.getFirst().event()).isEqualTo("skipped");
    assertThat(events.getFirst().data().get("skipped").asLong()).isEqualTo(missed);
    assertThat(events.get(1).data().get("offset").asLong()).isEqualTo(missed);

    var frames = new Frames();
    attach("pa", pid, Map.of("Authorization", "Bearer " + tokenA), frames);
    JsonNode skipped = TestServer.JSON.readTree(frames.next(ProcessAttach.SKIPPED).payload());
    assertThat(skipped.get("skipped").asLong()).isEqualTo(missed);
    long received = 0;
    while (true) {
      Frame f = frames.nextAny();
      if (f.channel() == ProcessAttach.EXIT) {
        break;
      }
      assertThat(f.channel()).isEqualTo(ProcessAttach.STDOUT);
      received += f.payload().length;
    }
    assertThat(received).isEqualTo(1 << 20);
  }

  @Test
  void anAttachReplaysFromTheOffsetAskedAndRefusesOneThatIsNoNumber() throws Exception {
    String pid =
        startProcess("pa", tokenA, "{\"command\": [\"printf\", \"abcdef\"]}").get("id").asString();
    ended("pa", pid, tokenA);
    var frames = new Frames();
    WebSocket.Builder b = http.newWebSocketBuilder().header("Authorization", "Bearer " + tokenA);
    b.buildAsync(URI.create(attachUri("pa", pid) + "?since=3"), frames).get(20, TimeUnit.SECONDS);
    assertThat(frames.textOn(ProcessAttach.STDOUT, "def")).isEqualTo("def");
    assertThat(frames.next(ProcessAttach.EXIT)).isNotNull();
    try {
      http.newWebSocketBuilder()
          .header("Authorization", "Bearer " + tokenA)
          .buildAsync(URI.create(attachUri("pa", pid) + "?since=abc"), new Frames())
          .get(20, TimeUnit.SECONDS);
      throw new AssertionError("a socket opened with ?since=abc");
    } catch (ExecutionException e) {
      assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
          .isEqualTo(400);
    }
  }

  // ---- signals and kill ---------------------------------------------------------------------

  @Test
  void aSignalReachesTheProcessWhichHandlesIt() {
    String pid =
        startProcess(
                "pa",
                tokenA,
                "{\"command\": \"trap 'echo got-term; exit 7' TERM; echo ready;"
                    + " while :; do sleep 0.1; done\", \"background\": true}")
            .get("id")
            .asString();
    outputUntil("pa", pid, tokenA, "ready");
    Response unknown =
        berth.call(
            "POST",
            "/api/v1/sessions/pa/processes/" + pid + "/signal",
            tokenA,
            "{\"signal\": \"SIGNOPE\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.text()).contains("unknown signal 'SIGNOPE'", "TERM");
    Response sent =
        berth.call(
            "POST",
            "/api/v1/sessions/pa/processes/" + pid + "/signal",
            tokenA,
            "{\"signal\": \"TERM\"}");
    assertThat(sent.status()).as(sent.toString()).isEqualTo(204);
    JsonNode p = ended("pa", pid, tokenA);
    assertThat(p.get("exitCode").asInt()).as("the trap's exit code").isEqualTo(7);
    assertThat(outputUntil("pa", pid, tokenA, "got-term")).contains("ready", "got-term");
  }

  @Test
  void killEndsTheProcessAndSaysWhoEndedIt() {
    String pid =
        startProcess("pa", tokenA, "{\"command\": [\"sleep\", \"4123457\"]}").get("id").asString();
    Response killed =
        berth.call("POST", "/api/v1/sessions/pa/processes/" + pid + "/kill", tokenA, null);
    assertThat(killed.status()).as(killed.toString()).isEqualTo(200);
    assertThat(killed.json().get("state").asString()).isEqualTo("exited");
    assertThat(killed.json().get("exitCode").asInt()).isEqualTo(-1);
    assertThat(killed.json().get("endedBy").asString()).isEqualTo("killed through the API");
    Response left =
        berth.call(
            "POST",
            "/api/v1/sessions/pa/exec",
            tokenA,
            "{\"command\": \"for p in /proc/[0-9]*; do tr '\\\\0' ' ' < $p/cmdline 2>/dev/null;"
                + " echo; done | grep -c '^[s]leep 4123457' || true\"}");
    assertThat(left.json().get("stdout").asString().strip()).as("sleeps left").isEqualTo("0");
  }

  // ---- who may reach a process --------------------------------------------------------------

  @Test
  void anotherSessionsTokenFindsNoProcessAndNoTokenIsUnauthorized() throws Exception {
    String pid =
        startProcess("pa", tokenA, "{\"command\": [\"cat\"], \"openStdin\": true}")
            .get("id")
            .asString();
    String path = "/api/v1/sessions/pa/processes/" + pid;
    assertThat(berth.call("GET", path, tokenA, null).status()).isEqualTo(200);
    // Session b's token: session a's process does not exist for it, nor does a process of that
    // id in b (ids are per session), nor can it start one in a.
    assertThat(berth.call("GET", path, tokenB, null).status()).isEqualTo(404);
    Response inB = berth.call("GET", "/api/v1/sessions/pb/processes/" + pid, tokenB, null);
    assertThat(inB.status()).isEqualTo(404);
    assertThat(inB.text()).contains("session 'pb' has no process '" + pid + "'");
    assertThat(berth.call("POST", path + "/kill", tokenB, null).status()).isEqualTo(404);
    assertThat(
            berth
                .call("POST", "/api/v1/sessions/pa/processes", tokenB, "{\"command\": \"true\"}")
                .status())
        .isEqualTo(404);
    assertThat(berth.call("GET", "/api/v1/sessions/pa/processes", tokenB, null).status())
        .isEqualTo(404);
    assertThat(handshake("pa", pid, Map.of("Authorization", "Bearer " + tokenB))).isEqualTo(404);

    assertThat(berth.call("GET", "/api/v1/sessions/pa/processes", null, null).status())
        .isEqualTo(401);
    assertThat(berth.call("GET", path, null, null).status()).isEqualTo(401);
    assertThat(
            berth
                .call("POST", "/api/v1/sessions/pa/processes", null, "{\"command\": \"true\"}")
                .status())
        .isEqualTo(401);
    assertThat(handshake("pa", pid, Map.of())).isEqualTo(401);
    assertThat(handshake("pa", pid, Map.of("Authorization", "Bearer berth_s_made_up")))
        .isEqualTo(401);
    // The process was never touched by any of that.
    assertThat(berth.call("GET", path, tokenA, null).json().get("state").asString())
        .isEqualTo("running");
    berth.call("POST", path + "/kill", tokenA, null);
  }

  @Test
  void aDashboardLoginOpensASocketFromBerthsOwnPageOnly() throws Exception {
    String pid =
        startProcess("pa", tokenA, "{\"command\": [\"cat\"], \"openStdin\": true}")
            .get("id")
            .asString();
    String cookie = login(tokenA);
    assertThat(handshake("pa", pid, Map.of("Cookie", cookie, "Origin", "http://evil.example")))
        .as("another site's page")
        .isEqualTo(401);
    assertThat(handshake("pa", pid, Map.of("Cookie", cookie)))
        .as("no Origin: not a page of Berth's")
        .isEqualTo(401);
    var frames = new Frames();
    WebSocket ws = attach("pa", pid, Map.of("Cookie", cookie, "Origin", berth.url()), frames);
    ws.sendBinary(frame(ProcessAttach.STDIN, "same origin\n"), true).get(10, TimeUnit.SECONDS);
    assertThat(frames.textOn(ProcessAttach.STDOUT, "same origin\n")).isEqualTo("same origin\n");
    ws.sendBinary(frame(ProcessAttach.CLOSE_STDIN, ""), true).get(10, TimeUnit.SECONDS);
    assertThat(frames.next(ProcessAttach.EXIT)).isNotNull();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static String login(String token) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** One Server-Sent Event: its id (0 when it had none), name and JSON data. */
  record Sse(long id, String event, JsonNode data) {}

  /** The whole SSE stream of a process, which ends after its exit event. */
  private static List<Sse> stream(String session, String pid, String token, String lastEventId)
      throws Exception {
    var b =
        HttpRequest.newBuilder(
                URI.create(
                    berth.url() + "/api/v1/sessions/" + session + "/processes/" + pid + "/stream"))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + token)
            .timeout(WAIT);
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<java.util.stream.Stream<String>> r =
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines())
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<Sse> events = new ArrayList<>();
    long id = 0;
    String event = "message";
    try (var lines = r.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.startsWith("id:")) {
          id = Long.parseLong(line.substring(3).strip());
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          events.add(new Sse(id, event, TestServer.JSON.readTree(line.substring(5).strip())));
        } else if (line.isEmpty()) {
          id = 0;
          event = "message";
        }
      }
    }
    return events;
  }

  private static ByteBuffer frame(byte channel, String payload) {
    byte[] p = payload.getBytes(UTF_8);
    return ByteBuffer.allocate(p.length + 1).put(channel).put(p).flip();
  }

  private static WebSocket attach(
      String session, String pid, Map<String, String> headers, Frames frames) throws Exception {
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    return b.buildAsync(attachUri(session, pid), frames).get(20, TimeUnit.SECONDS);
  }

  private static URI attachUri(String session, String pid) {
    return URI.create(
        "ws"
            + berth.url().substring(4)
            + "/api/v1/sessions/"
            + session
            + "/processes/"
            + pid
            + "/attach");
  }

  /** The status of a refused upgrade, or 101 when the socket opened (and was then closed). */
  private static int handshake(String session, String pid, Map<String, String> headers)
      throws Exception {
    try {
      attach(session, pid, headers, new Frames()).abort();
      return 101;
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  /** A message from Berth: its channel byte and payload. */
  record Frame(byte channel, byte[] payload) {
    String text() {
      return new String(payload, UTF_8);
    }
  }

  /** Collects the socket's binary messages (whole) and its close code. */
  static final class Frames implements WebSocket.Listener {
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
    private java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      partial.writeBytes(b);
      if (last) {
        byte[] all = partial.toByteArray();
        partial = new java.io.ByteArrayOutputStream();
        frames.add(new Frame(all[0], java.util.Arrays.copyOfRange(all, 1, all.length)));
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closes.add(code);
      return null;
    }

    /** The next message on {@code channel}, skipping others (a terminal echoes, say). */
    Frame next(byte channel) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        Frame f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(f).as("a message on channel " + channel).isNotNull();
        if (f.channel() == channel) {
          return f;
        }
      }
    }

    /** The next message, whatever its channel. */
    Frame nextAny() throws InterruptedException {
      Frame f = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(f).as("a message").isNotNull();
      return f;
    }

    /** What arrives on {@code channel} until it contains {@code expected}. */
    String textOn(byte channel, String expected) throws InterruptedException {
      StringBuilder seen = new StringBuilder();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!seen.toString().contains(expected)) {
        Frame f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(f).as("'" + expected + "' on channel " + channel + "; saw: " + seen).isNotNull();
        if (f.channel() == channel) {
          seen.append(f.text());
        }
      }
      return seen.toString();
    }

    int closeCode() throws InterruptedException {
      Integer code = closes.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(code).as("a close").isNotNull();
      return code;
    }
  }
}
