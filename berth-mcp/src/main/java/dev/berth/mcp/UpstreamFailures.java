package dev.berth.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * What the stdio bridge tells its agent when the Berth server did not answer a call: the server's
 * own reason (the SDK's client says "Authorization error when sending message" for a 401, or {@code
 * .../mcp: null}), whether the call could have run, and when the server is gone.
 */
final class UpstreamFailures {
  static final String WENT_AWAY = "the server went away; the command may or may not have run";

  private final String baseUrl;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  UpstreamFailures(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /**
   * True when the server answered 404 for our MCP session: it restarted, or the session expired.
   */
  static boolean sessionGone(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof McpTransportSessionNotFoundException) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && (m.contains("Session not found") || m.contains("MCP session '"))) {
        return true;
      }
    }
    return false;
  }

  /** True when the request never reached the server (nothing listened at its address). */
  static boolean neverConnected(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** The agent's message for a call to {@code tool} that failed with {@code e}. */
  String describe(String tool, Throwable e) {
    if (e instanceof McpError error && error.getJsonRpcError() != null) {
      return error.getJsonRpcError().message();
    }
    // Only a call whose own POST found nothing listening is known not to have run: a call in
    // flight fails with the connection errors of the session's other requests too.
    if (e instanceof WentAway || rootMessage(e).contains("session with server terminated")) {
      // The server took the call, then was gone (or restarted and lost the session) before it
      // answered.
      return WENT_AWAY;
    }
    if (e instanceof NotSent) {
      return "cannot reach the Berth server at "
          + baseUrl
          + " (nothing answers there): "
          + tool
          + " did not run";
    }
    Probe probe = probe();
    return switch (probe) {
      case Probe.Gone g -> WENT_AWAY;
      case Probe.Refused r -> r.message();
      case Probe.Up u -> "the Berth server could not run " + tool + ": " + rootMessage(e);
    };
  }

  /** The message for a bridge that could not start its MCP session with the server. */
  String describeStart(Throwable e) {
    if (neverConnected(e)) {
      return "cannot reach the Berth server at " + baseUrl + " (nothing answers there)";
    }
    return describe("initialize", e);
  }

  /** What the server says to our token now: gone, a refusal with its reason, or up. */
  Probe probe() {
    var request =
        HttpRequest.newBuilder(URI.create(baseUrl + McpHttpEndpoint.PATH))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        return new Probe.Refused(reason(r.body(), "HTTP " + r.statusCode()));
      }
      return new Probe.Up();
    } catch (IOException e) {
      return new Probe.Gone();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe.Gone();
    }
  }

  private static String reason(String body, String fallback) {
    try {
      JsonNode node = JsonRpcErrors.JSON.readTree(body);
      JsonNode m = node.path("error").path("message");
      return m.isString() ? m.asString() : fallback;
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  static String rootMessage(Throwable e) {
    String message = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /** A call in flight while the server stopped answering. */
  static final class WentAway extends RuntimeException {
    WentAway() {
      super(WENT_AWAY);
    }
  }

  /** A call whose POST found nothing listening: it did not run. */
  static final class NotSent extends RuntimeException {
    NotSent(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  sealed interface Probe {
    record Gone() implements Probe {}

    record Refused(String message) implements Probe {}

    record Up() implements Probe {}
  }
}
