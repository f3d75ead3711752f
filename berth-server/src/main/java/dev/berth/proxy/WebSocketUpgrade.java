package dev.berth.proxy;

import dev.berth.base.SessionId;
import dev.berth.proxy.ProxyHeaders.Header;
import dev.berth.proxy.ProxyPages.Page;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A browser's WebSocket upgrade: the app's side is connected first (with the browser's subprotocols
 * and headers), so an app that refuses gives the browser the app's status instead of an accepted
 * socket that closes at once; then the browser's upgrade is accepted with the subprotocol the app
 * chose, and {@link WebSocketRelay} joins the two.
 */
final class WebSocketUpgrade {
  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);
  private static final Duration CONNECT = Duration.ofSeconds(10);

  private final HttpClient client;
  private final java.util.function.Consumer<SessionId> activity;

  /** {@code activity} is told on every message (the session's activity). */
  WebSocketUpgrade(HttpClient client, java.util.function.Consumer<SessionId> activity) {
    this.client = client;
    this.activity = activity;
  }

  static boolean isUpgrade(HttpServletRequest req) {
    return "GET".equals(req.getMethod()) && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
  }

  void relay(
      SessionId session,
      HttpServletRequest req,
      HttpServletResponse resp,
      URI appUri,
      ProxyHeaders.Client browser,
      ProxyHeaders.App app)
      throws IOException {
    String uri = req.getRequestURI();
    var relay = new WebSocketRelay(uri, () -> activity.accept(session));
    WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(CONNECT);
    for (Header h : ProxyHeaders.toApp(browser, app, true)) {
      builder.header(h.name(), h.value());
    }
    List<String> protocols = subprotocols(req);
    if (!protocols.isEmpty()) {
      builder.subprotocols(
          protocols.getFirst(), protocols.subList(1, protocols.size()).toArray(String[]::new));
    }
    WebSocket appSocket;
    try {
      appSocket = builder.buildAsync(appUri, relay).get(CONNECT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        int status = h.getResponse().statusCode();
        ProxyPages.send(
            req,
            resp,
            new Page(
                status,
                status == 403 ? "forbidden" : "bad_gateway",
                "The app refused the WebSocket",
                "The app answered the WebSocket handshake with HTTP " + status + "."));
      } else {
        log.debug("{}: WebSocket to the app failed: {}", uri, String.valueOf(e.getCause()));
        ProxyPages.send(req, resp, unreachable());
      }
      return;
    } catch (TimeoutException e) {
      ProxyPages.send(req, resp, unreachable());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    relay.appConnected(appSocket);
    var container = JettyWebSocketServerContainer.getContainer(req.getServletContext());
    boolean upgraded =
        container.upgrade(
            (upgradeRequest, upgradeResponse) -> {
              if (!appSocket.getSubprotocol().isEmpty()) {
                upgradeResponse.setAcceptedSubProtocol(appSocket.getSubprotocol());
              }
              return relay;
            },
            req,
            resp);
    if (!upgraded) {
      appSocket.abort();
      if (!resp.isCommitted()) {
        ProxyPages.send(
            req,
            resp,
            new Page(400, "bad_request", "Not a WebSocket upgrade", "The upgrade was not valid."));
      }
    }
  }

  private static Page unreachable() {
    return new Page(
        502,
        "bad_gateway",
        "The app did not answer",
        "The session is running but its app did not accept the WebSocket connection.");
  }

  private static List<String> subprotocols(HttpServletRequest req) {
    List<String> out = new ArrayList<>();
    for (String header : Collections.list(req.getHeaders("Sec-WebSocket-Protocol"))) {
      for (String p : header.split(",")) {
        if (!p.isBlank() && !out.contains(p.trim())) {
          out.add(p.trim());
        }
      }
    }
    return out;
  }
}
