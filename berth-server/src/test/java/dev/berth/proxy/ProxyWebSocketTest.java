package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket through the proxy: messages both ways, close codes, subprotocols, pings, access. */
class ProxyWebSocketTest {
  @TempDir static Path home;
  static ProxyFixture f;
  static String cookie;
  static String otherCookie;
  static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    f = new ProxyFixture(home);
    cookie = f.login("ws", f.create("ws", "testapp"));
    otherCookie = f.login("other", f.create("other", "testapp"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** Collects what the proxy delivers; messages are whole (fragments joined). */
  static final class Recorder implements WebSocket.Listener {
    final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private int binaryBytes;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        events.add("text " + text);
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      binaryBytes += data.remaining();
      if (last) {
        events.add("binary " + binaryBytes);
        binaryBytes = 0;
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      events.add("ping " + StandardCharsets.UTF_8.decode(message));
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      events.add("close " + code + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      events.add("error " + error);
    }

    String next() throws InterruptedException {
      String e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("an event within 20 s").isNotNull();
      return e;
    }
  }

  private static WebSocket connect(Recorder r, Map<String, String> headers, String... protocols)
      throws Exception {
    WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    if (protocols.length > 0) {
      b.subprotocols(protocols[0], java.util.Arrays.copyOfRange(protocols, 1, protocols.length));
    }
    String url = "ws" + f.berth.url().substring(4) + "/s/ws/ws";
    return b.buildAsync(URI.create(url), r).get(20, TimeUnit.SECONDS);
  }

  @Test
  void messagesGoBothWaysWholeAndInOrder() throws Exception {
    var r = new Recorder();
    WebSocket ws = connect(r, Map.of("Cookie", cookie, "Origin", f.berth.url()));
    // A same-origin browser socket is same-origin to the app too: it sees the browser's Origin
    // and Host (Jupyter compares them).
    assertThat(r.next())
        .isEqualTo("text origin " + f.berth.url() + " host " + f.berth.url().substring(7));
    for (int i = 0; i < 20; i++) {
      ws.sendText("message " + i, true).get(10, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(r.next()).isEqualTo("text message " + i);
    }
    String big = "x".repeat(3 << 20); // larger than one frame anywhere on the way
    ws.sendText(big, true).get(20, TimeUnit.SECONDS);
    String echoed = r.next();
    assertThat(echoed.length())
        .as(echoed.substring(0, Math.min(80, echoed.length())))
        .isEqualTo(5 + big.length());
    assertThat(echoed.equals("text " + big)).isTrue();
    ws.sendBinary(ByteBuffer.wrap(new byte[200_000]), true).get(10, TimeUnit.SECONDS);
    assertThat(r.next()).isEqualTo("binary 200000");
    ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
    assertThat(r.next()).isEqualTo("close 1000 done");
  }

  @Test
  void theAppsCloseCodeAndReasonReachTheBrowser() throws Exception {
    var r = new Recorder();
    WebSocket ws = connect(r, Map.of("Cookie", cookie));
    assertThat(r.next()).startsWith("text origin");
    ws.sendText("close:4001:app says bye", true);
    assertThat(r.next()).isEqualTo("close 4001 app says bye");
  }

  @Test
  void theBrowsersCloseCodeAndReasonReachTheApp() throws Exception {
    var r = new Recorder();
    WebSocket ws = connect(r, Map.of("Cookie", cookie));
    assertThat(r.next()).startsWith("text origin");
    ws.sendClose(4002, "browser says bye").get(10, TimeUnit.SECONDS);
    assertThat(r.next()).isEqualTo("close 4002 browser says bye");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> f.get("/s/ws/last-close", Map.of("Cookie", cookie)).body(),
            body -> body.equals("4002 browser says bye"));
  }

  @Test
  void theAppChoosesTheSubprotocolAndItsPingsReachTheBrowser() throws Exception {
    var r = new Recorder();
    WebSocket ws = connect(r, Map.of("Cookie", cookie), "echo.v1", "echo.v2");
    assertThat(ws.getSubprotocol()).isEqualTo("echo.v2");
    assertThat(r.next()).startsWith("text origin");
    ws.sendText("app-ping", true);
    assertThat(r.next()).isEqualTo("ping hi");
    ws.sendText("still here", true);
    assertThat(r.next()).isEqualTo("text still here");
    ws.abort();
  }

  @Test
  void aCrossSiteSocketKeepsItsOriginForTheAppToJudge() throws Exception {
    var r = new Recorder();
    WebSocket ws = connect(r, Map.of("Cookie", cookie, "Origin", "https://evil.example"));
    assertThat(r.next())
        .isEqualTo("text origin https://evil.example host " + f.berth.url().substring(7));
    ws.abort();
  }

  @Test
  void aSocketNeedsTheSessionsOwnLogin() {
    assertThat(handshakeStatus(Map.of())).isEqualTo(401);
    assertThat(handshakeStatus(Map.of("Cookie", "berth_proxy=berth_p_made_up"))).isEqualTo(401);
    // The other session's cookie, sent to this session's path by hand.
    assertThat(handshakeStatus(Map.of("Cookie", otherCookie))).isEqualTo(403);
  }

  private static int handshakeStatus(Map<String, String> headers) {
    var failure = CompletableFuture.supplyAsync(() -> 0);
    try {
      connect(new Recorder(), headers);
      return 101;
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      failure.cancel(true);
    }
  }

  @Test
  void aSocketToAnUnknownPathIsTheAppsAnswer() {
    assertThatThrownBy(
            () ->
                client
                    .newWebSocketBuilder()
                    .header("Cookie", cookie)
                    .buildAsync(
                        URI.create("ws" + f.berth.url().substring(4) + "/s/ws/nope"),
                        new Recorder())
                    .get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(WebSocketHandshakeException.class)
        .satisfies(
            e ->
                assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                    .isEqualTo(404));
  }
}
