package dev.berth.proxy;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one WebSocket between the browser (a Jetty server session) and the app (a JDK client),
 * frame by frame in both directions, one frame in flight each way: the next frame is read from a
 * side only when the previous one was written to the other, so a slow reader slows its writer
 * instead of filling memory. Close codes and reasons pass through; the app's pings go on to the
 * browser (each hop answers pings itself), which keeps idle connections alive end to end.
 *
 * <p>Public only because Jetty calls its listener methods through method handles.
 */
public final class WebSocketRelay implements Session.Listener, WebSocket.Listener {
  private static final Logger log = LoggerFactory.getLogger(WebSocketRelay.class);

  /** Far above the 30 s pings apps like Jupyter send, so a quiet but live socket stays open. */
  static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

  /** Largest frame accepted from a browser (messages of any size pass as fragments). */
  static final long MAX_FRAME = 16L << 20;

  private final String where;
  private final Runnable onTraffic;
  private final CompletableFuture<Session> browser = new CompletableFuture<>();
  private final AtomicBoolean browserClosed = new AtomicBoolean();
  private final AtomicBoolean appClosed = new AtomicBoolean();
  private volatile WebSocket app;

  /**
   * @param where the session and path, for logs
   * @param onTraffic called on every message, to record the session's activity
   */
  WebSocketRelay(String where, Runnable onTraffic) {
    this.where = where;
    this.onTraffic = onTraffic;
  }

  /** Called once the app's side is connected, before the browser's upgrade is accepted. */
  void appConnected(WebSocket ws) {
    this.app = ws;
  }

  // ---- the browser's side (Jetty) -------------------------------------------------------------

  @Override
  public void onWebSocketOpen(Session session) {
    session.setIdleTimeout(IDLE_TIMEOUT);
    session.setMaxFrameSize(MAX_FRAME);
    session.setMaxTextMessageSize(0);
    session.setMaxBinaryMessageSize(0);
    browser.complete(session);
    if (appClosed.get()) { // the app went away during the handshake
      closeBrowser(1011, "the app's connection failed");
      return;
    }
    app.request(1); // the app's messages flow only once there is a browser to take them
    session.demand();
  }

  @Override
  public void onWebSocketPartialText(String text, boolean last) {
    onTraffic.run();
    app.sendText(text, last).whenComplete((ws, error) -> afterSendToApp(error));
  }

  @Override
  public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
    onTraffic.run();
    app.sendBinary(payload, last)
        .whenComplete(
            (ws, error) -> {
              if (error == null) {
                callback.succeed();
              } else {
                callback.fail(error);
              }
              afterSendToApp(error);
            });
  }

  private void afterSendToApp(Throwable error) {
    Session session = browser.getNow(null);
    if (error != null) {
      log.debug("{}: sending to the app failed: {}", where, error.toString());
      closeBrowser(1011, "the app's connection failed");
    } else if (session != null) {
      session.demand();
    }
  }

  @Override
  public void onWebSocketClose(int code, String reason, Callback callback) {
    browserClosed.set(true);
    callback.succeed();
    if (appClosed.compareAndSet(false, true)) {
      if (code == 1006 || code == 1015) { // no close frame: the browser went away
        app.abort();
      } else {
        app.sendClose(toApp(code), reason == null ? "" : reason)
            .exceptionally(
                e -> {
                  app.abort();
                  return null;
                });
      }
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    log.debug("{}: browser side failed: {}", where, cause.toString());
    browserClosed.set(true);
    if (appClosed.compareAndSet(false, true)) {
      app.abort();
    }
  }

  // ---- the app's side (JDK client) ------------------------------------------------------------

  @Override
  public void onOpen(WebSocket webSocket) {
    // No request(1) yet: see onWebSocketOpen.
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    onTraffic.run();
    var done = new CompletableFuture<Void>();
    browser.join().sendPartialText(data.toString(), last, relayed(ws, done));
    return done;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
    onTraffic.run();
    var done = new CompletableFuture<Void>();
    browser.join().sendPartialBinary(data, last, relayed(ws, done));
    return done;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
    ByteBuffer copy = ByteBuffer.allocate(message.remaining()).put(message).flip();
    browser.join().sendPing(copy, Callback.NOOP);
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
    appClosed.set(true);
    return closeBrowser(toBrowser(code), reason);
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    log.debug("{}: app side failed: {}", where, error.toString());
    appClosed.set(true);
    closeBrowser(1011, "the app's connection failed");
  }

  private Callback relayed(WebSocket ws, CompletableFuture<Void> done) {
    return Callback.from(
        () -> {
          done.complete(null);
          ws.request(1);
        },
        error -> {
          done.complete(null);
          log.debug("{}: sending to the browser failed: {}", where, error.toString());
          if (appClosed.compareAndSet(false, true)) {
            ws.abort();
          }
        });
  }

  private CompletableFuture<Void> closeBrowser(int code, String reason) {
    var done = new CompletableFuture<Void>();
    Session session = browser.getNow(null);
    if (session == null || !browserClosed.compareAndSet(false, true)) {
      done.complete(null);
      return done;
    }
    session.close(code, reason, Callback.from(() -> done.complete(null), e -> done.complete(null)));
    return done;
  }

  /** A browser's close code the JDK client may send on; the others become a normal close. */
  static int toApp(int code) {
    boolean sendable =
        code == 1000
            || code == 1001
            || code == 1008
            || code == 1011
            || (code >= 3000 && code <= 4999);
    return sendable ? code : 1000;
  }

  /** An app's close code the browser may receive; "no status" (1005) becomes a normal close. */
  static int toBrowser(int code) {
    boolean sendable =
        (code >= 1000 && code <= 1003)
            || (code >= 1007 && code <= 1014)
            || (code >= 3000 && code <= 4999);
    return sendable ? code : 1000;
  }
}
