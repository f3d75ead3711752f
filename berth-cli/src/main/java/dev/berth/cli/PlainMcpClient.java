package dev.berth.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The least an MCP client over Streamable HTTP does: initialize, then one JSON-RPC POST per tool
 * call with the session header. The benchmark measures Berth's path through it beside the official
 * Java SDK client, whose own cost per call (reactive pipeline, thread hand-offs) is about as large
 * as Berth's and is not Berth's to remove.
 */
final class PlainMcpClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PROTOCOL = "2025-11-25";
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI endpoint;
  private final String token;
  private final AtomicLong ids = new AtomicLong();
  private String session;

  PlainMcpClient(String baseUrl, String token) {
    this.endpoint = URI.create(baseUrl + "/mcp");
    this.token = token;
  }

  /** The handshake: initialize, remember the session id, confirm with notifications/initialized. */
  void initialize() {
    HttpResponse<String> r =
        post(
            request(
                "initialize",
                Map.of(
                    "protocolVersion",
                    PROTOCOL,
                    "capabilities",
                    Map.of(),
                    "clientInfo",
                    Map.of("name", "berth-bench-plain", "version", "1"))));
    result(r, "initialize");
    session = r.headers().firstValue("Mcp-Session-Id").orElse(null);
    HttpResponse<String> ack =
        post(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
    if (ack.statusCode() / 100 != 2) {
      throw new CliException("notifications/initialized answered " + ack.statusCode());
    }
  }

  /** Calls a tool; a tool error or a JSON-RPC error fails the benchmark. */
  void call(String tool, Map<String, Object> args) {
    JsonNode result =
        result(post(request("tools/call", Map.of("name", tool, "arguments", args))), tool);
    if (result.path("isError").asBoolean(false)) {
      throw new CliException(tool + " failed during the benchmark: " + result.path("content"));
    }
  }

  private Map<String, Object> request(String method, Map<String, Object> params) {
    return Map.of(
        "jsonrpc", "2.0", "id", ids.incrementAndGet(), "method", method, "params", params);
  }

  private HttpResponse<String> post(Map<String, Object> message) {
    var b =
        HttpRequest.newBuilder(endpoint)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", PROTOCOL)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message)));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException("MCP request to " + endpoint + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  /** The JSON-RPC result, from a JSON body or from the data line of a one-event stream. */
  private static JsonNode result(HttpResponse<String> r, String what) {
    if (r.statusCode() != 200) {
      throw new CliException(what + " answered HTTP " + r.statusCode() + ": " + r.body());
    }
    boolean stream =
        r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
    // A stream may carry notifications before the reply: the reply is the event with an id.
    JsonNode reply =
        stream
            ? r.body()
                .lines()
                .filter(l -> l.startsWith("data:"))
                .map(l -> JSON.readTree(l.substring(5).strip()))
                .filter(m -> m.has("id"))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new CliException(what + ": no reply in " + r.body()))
            : JSON.readTree(r.body());
    if (reply.has("error")) {
      throw new CliException(what + " failed: " + reply.get("error"));
    }
    return reply.path("result");
  }
}
