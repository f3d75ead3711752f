package dev.berth.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Jupyter kernel's channels WebSocket, as Jupyter's own page uses it (its messaging protocol, v5,
 * one JSON text message per kernel message): sends one execute_request and waits for its
 * execute_result.
 */
final class JupyterKernelSocket implements WebSocket.Listener {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final StringBuilder partial = new StringBuilder();
  private final Map<String, CompletableFuture<String>> wanted = new HashMap<>();
  private final List<String> seen = new ArrayList<>();

  private JupyterKernelSocket() {}

  /**
   * Runs {@code code} on the kernel at {@code channels} ({@code .../api/kernels/<id>/channels}),
   * connecting with {@code headers}; answers the result's {@code text/plain}.
   */
  static String execute(HttpClient http, URI channels, Map<String, String> headers, String code)
      throws Exception {
    var replies = new JupyterKernelSocket();
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20));
    headers.forEach(b::header);
    String session = UUID.randomUUID().toString(); // Jupyter's client session, not Berth's
    URI uri = URI.create(channels + "?session_id=" + session);
    WebSocket ws = b.buildAsync(uri, replies).get(30, TimeUnit.SECONDS);
    String msgId = UUID.randomUUID().toString();
    ObjectNode request = JSON.createObjectNode();
    request
        .putObject("header")
        .put("msg_id", msgId)
        .put("username", "test")
        .put("session", session)
        .put("msg_type", "execute_request")
        .put("version", "5.3");
    request.putObject("parent_header");
    request.putObject("metadata");
    request
        .putObject("content")
        .put("code", code)
        .put("silent", false)
        .put("store_history", true)
        .put("allow_stdin", false)
        .put("stop_on_error", true)
        .putObject("user_expressions");
    request.put("channel", "shell");
    request.putArray("buffers");
    ws.sendText(JSON.writeValueAsString(request), true).get(10, TimeUnit.SECONDS);
    String result = replies.resultOf(msgId).get(90, TimeUnit.SECONDS);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    return result;
  }

  private synchronized CompletableFuture<String> resultOf(String msgId) {
    return wanted.computeIfAbsent(msgId, k -> new CompletableFuture<>());
  }

  @Override
  public void onOpen(WebSocket ws) {
    ws.request(1);
  }

  @Override
  public synchronized CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      JsonNode msg = JSON.readTree(partial.toString());
      partial.setLength(0);
      seen.add(msg.at("/header/msg_type").asString());
      if (msg.at("/header/msg_type").asString().equals("execute_result")) {
        resultOf(msg.at("/parent_header/msg_id").asString())
            .complete(msg.at("/content/data/text~1plain").asString());
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public synchronized CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
    wanted.values().forEach(f -> f.completeExceptionally(closed(code, reason)));
    return null;
  }

  private AssertionError closed(int code, String reason) {
    return new AssertionError(
        "the kernel socket closed (" + code + " " + reason + ") after messages " + seen);
  }

  @Override
  public synchronized void onError(WebSocket ws, Throwable error) {
    wanted.values().forEach(f -> f.completeExceptionally(error));
  }
}
