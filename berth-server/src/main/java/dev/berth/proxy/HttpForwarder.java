package dev.berth.proxy;

import dev.berth.proxy.ProxyHeaders.Header;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one HTTP request to the app and streams the answer back, both ways without holding a
 * body in memory: the request body is read as the app takes it, the response is written as it
 * arrives and flushed whenever the app pauses (so server-sent events and chunked output reach the
 * browser as they are produced). Memory per request is one copy buffer plus the HTTP client's few
 * in-flight buffers, whatever the size of the body.
 */
final class HttpForwarder {
  private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);
  private static final int BUFFER = 32 * 1024;

  private final HttpClient client;

  HttpForwarder(HttpClient client) {
    this.client = client;
  }

  /** Thrown when the app cannot be reached before anything was sent to the client. */
  static final class AppUnreachable extends IOException {
    AppUnreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Sends {@code req} to {@code uri} with {@code headers} and copies the response into {@code
   * resp}. Throws {@link AppUnreachable} before the response is committed; a failure after that
   * aborts the client's connection so a cut body never looks complete.
   */
  void forward(
      HttpServletRequest req,
      HttpServletResponse resp,
      URI uri,
      List<Header> headers,
      ProxyHeaders.App app,
      String publicOrigin)
      throws IOException {
    var builder = HttpRequest.newBuilder(uri).method(req.getMethod(), body(req));
    for (Header h : headers) {
      builder.header(h.name(), h.value());
    }
    HttpResponse<InputStream> answer;
    try {
      answer = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new AppUnreachable("the app did not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AppUnreachable("interrupted", e);
    }
    try (InputStream in = answer.body()) {
      resp.setStatus(answer.statusCode());
      List<Header> fromApp = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : answer.headers().map().entrySet()) {
        for (String v : e.getValue()) {
          fromApp.add(new Header(e.getKey(), v));
        }
      }
      for (Header h : ProxyHeaders.toClient(fromApp, app, publicOrigin)) {
        resp.addHeader(h.name(), h.value());
      }
      answer.headers().firstValueAsLong("Content-Length").ifPresent(resp::setContentLengthLong);
      copy(req, in, resp);
    }
  }

  private static void copy(HttpServletRequest req, InputStream in, HttpServletResponse resp)
      throws IOException {
    ServletOutputStream out = resp.getOutputStream();
    byte[] buffer = new byte[BUFFER];
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        // The app broke off mid-body: the client must see a broken response, not a short one.
        log.debug("app response cut short on {}: {}", req.getRequestURI(), e.toString());
        resp.flushBuffer();
        ServletContextRequest.getServletContextRequest(req).getServletChannel().abort(e);
        return;
      }
      if (n < 0) {
        return;
      }
      out.write(buffer, 0, n);
      if (in.available() == 0) {
        out.flush(); // the app paused: what it sent so far goes to the browser now
      }
    }
  }

  private static HttpRequest.BodyPublisher body(HttpServletRequest req) {
    long length = req.getContentLengthLong();
    boolean chunked = req.getHeader("Transfer-Encoding") != null;
    if (length <= 0 && !chunked) {
      return length == 0 && !"GET".equals(req.getMethod()) && !"HEAD".equals(req.getMethod())
          ? HttpRequest.BodyPublishers.ofByteArray(new byte[0])
          : HttpRequest.BodyPublishers.noBody();
    }
    var stream =
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                return req.getInputStream();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
  }
}
