package dev.berth.mcp;

import dev.berth.base.BerthException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.BiPredicate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What the SDK's Streamable HTTP transport does not check or answers badly, in front of it (after
 * the token and the body limit): a browser {@code Origin} that is not Berth's own (403, against DNS
 * rebinding), an unsupported {@code MCP-Protocol-Version} (400), a body that is no JSON-RPC message
 * or a batch, {@code tools/call} arguments that are no object (-32602: the SDK answered an empty
 * 200), the cap of live MCP sessions per token, cancellation, and every error the transport answers
 * rewritten as a JSON-RPC error object (it wrote its Java exception, or an HTML page).
 */
final class McpTransportGuard implements Filter {
  static final String PRINCIPAL_ATTRIBUTE = "berth.principal";

  private final List<String> versions;
  private final BiPredicate<String, HttpServletRequest> ownOrigin;
  private final McpSessionLimits limits;
  private final McpCancellations cancellations;
  private final long maxBodyBytes;
  private final ChangeSubscriptions subscriptions;

  McpTransportGuard(
      List<String> versions,
      BiPredicate<String, HttpServletRequest> ownOrigin,
      McpSessionLimits limits,
      McpCancellations cancellations,
      long maxBodyBytes,
      ChangeSubscriptions subscriptions) {
    this.subscriptions = subscriptions;
    this.versions = List.copyOf(versions);
    this.ownOrigin = ownOrigin;
    this.limits = limits;
    this.cancellations = cancellations;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    var request = (HttpServletRequest) req;
    var response = (HttpServletResponse) res;
    String origin = request.getHeader("Origin");
    if (origin != null && !ownOrigin.test(origin, request)) {
      JsonRpcErrors.write(
          response,
          403,
          null,
          JsonRpcErrors.INVALID_REQUEST,
          "Origin "
              + origin
              + " is not Berth's own: /mcp serves clients that send no Origin and pages of"
              + " Berth's own address (publicUrl)");
      return;
    }
    String version = request.getHeader("MCP-Protocol-Version");
    if (version != null && !versions.contains(version)) {
      JsonRpcErrors.write(
          response,
          400,
          null,
          JsonRpcErrors.INVALID_REQUEST,
          "unsupported MCP-Protocol-Version '"
              + version
              + "'; this server speaks "
              + String.join(", ", versions));
      return;
    }
    String session = request.getHeader("Mcp-Session-Id");
    Object owner = request.getAttribute(PRINCIPAL_ATTRIBUTE);
    if (!"POST".equals(request.getMethod())) {
      if (session != null) {
        limits.used(session);
      }
      var answer = new McpAnswer(response);
      chain.doFilter(request, answer);
      if (session != null && request.isAsyncStarted() && answer.status() == 200) {
        countStream(request, session);
      }
      finish(answer, response, session, null);
      if ("DELETE".equals(request.getMethod()) && answer.status() < 300 && session != null) {
        ended(session);
      }
      return;
    }
    byte[] body = request.getInputStream().readNBytes((int) Math.min(maxBodyBytes + 1, 1 << 30));
    JsonNode message;
    try {
      message = JsonRpcErrors.JSON.readTree(body);
    } catch (JacksonException e) {
      JsonRpcErrors.write(
          response,
          400,
          null,
          JsonRpcErrors.PARSE_ERROR,
          "Parse error: the body is not JSON (" + firstClause(e.getOriginalMessage()) + ")");
      return;
    }
    if (message == null || message.isArray()) {
      JsonRpcErrors.write(
          response,
          400,
          null,
          JsonRpcErrors.INVALID_REQUEST,
          "JSON-RPC batches are not supported: send one message per POST (protocol 2025-06-18"
              + " removed batches; this server takes none for 2025-03-26 either)");
      return;
    }
    if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asString(null))) {
      JsonRpcErrors.write(
          response,
          400,
          message.isObject() ? message.get("id") : null,
          JsonRpcErrors.INVALID_REQUEST,
          "Invalid Request: the body must be one JSON-RPC 2.0 message, with \"jsonrpc\": \"2.0\"");
      return;
    }
    String method = message.path("method").asString(null);
    JsonNode id = message.get("id");
    if ("initialize".equals(method) && owner != null && limits.full(owner)) {
      JsonRpcErrors.write(
          response,
          429,
          id,
          JsonRpcErrors.SERVER_ERROR,
          "this token holds "
              + limits.count(owner)
              + " live MCP sessions, the most allowed (mcpMaxSessionsPerToken "
              + limits.maxPerOwner()
              + "): end one with DELETE /mcp and its Mcp-Session-Id, or wait until idle ones"
              + " expire (mcpSessionIdleTimeout "
              + limits.idleTimeout().toSeconds()
              + "s)");
      return;
    }
    if (session != null) {
      limits.used(session);
      if ("notifications/cancelled".equals(method)) {
        JsonNode requestId = message.path("params").get("requestId");
        if (requestId != null) {
          cancellations.cancel(session, requestId.toString());
        }
      }
      if ("tools/call".equals(method) && id != null && limits.knows(session)) {
        JsonNode arguments = message.path("params").get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
          JsonRpcErrors.write(
              response,
              200,
              id,
              JsonRpcErrors.INVALID_PARAMS,
              "Invalid params: arguments must be a JSON object of the tool's parameters, not "
                  + (arguments.isArray() ? "an array" : "a " + arguments.getNodeType()));
          return;
        }
      }
    }
    boolean subscribe = session != null && id != null && "resources/subscribe".equals(method);
    String uri = message.path("params").path("uri").asString(null);
    if (subscribe) {
      var refused = subscriptions.refusal(owner, session, uri);
      if (refused.isPresent()) {
        JsonRpcErrors.write(response, 200, id, JsonRpcErrors.INVALID_PARAMS, refused.get());
        return;
      }
      // Followed before the SDK answers (its answer may reach the client before doFilter
      // returns): a write the client makes right after the answer is then always told.
      try {
        subscriptions.subscribed(session, uri);
      } catch (BerthException e) {
        JsonRpcErrors.write(response, 200, id, JsonRpcErrors.INVALID_PARAMS, e.getMessage());
        return;
      }
    }
    var buffered = new McpBodyLimit.Buffered(request, body);
    var answer = new McpAnswer(response);
    boolean call = session != null && id != null && "tools/call".equals(method);
    if (call) {
      cancellations.began(session, id.toString());
    }
    try {
      chain.doFilter(buffered, answer);
    } finally {
      if (call) {
        cancellations.ended(session, id.toString());
      }
    }
    if ("initialize".equals(method) && answer.sessionId() != null && owner != null) {
      limits.opened(answer.sessionId(), owner);
    }
    boolean answered = !answer.heldError() && answer.status() == 200;
    if (subscribe && !answered) {
      subscriptions.unsubscribed(session, uri); // the SDK refused it after all
    } else if (answered
        && session != null
        && "resources/unsubscribe".equals(method)
        && uri != null) {
      subscriptions.unsubscribed(session, uri);
    }
    finish(answer, response, session, id);
  }

  private void ended(String session) {
    limits.closed(session);
    subscriptions.closed(session);
  }

  /** A GET stream keeps its MCP session live while it is open (as the SDK's sweeper does). */
  private void countStream(HttpServletRequest request, String session) {
    limits.streamOpened(session);
    request
        .getAsyncContext()
        .addListener(
            new AsyncListener() {
              @Override
              public void onComplete(AsyncEvent event) {
                limits.streamEnded(session);
              }

              @Override
              public void onTimeout(AsyncEvent event) {}

              @Override
              public void onError(AsyncEvent event) {}

              @Override
              public void onStartAsync(AsyncEvent event) {}
            });
  }

  /** Jackson's message without its location details. */
  private static String firstClause(String message) {
    int cut = message.indexOf(" (");
    return (cut > 0 ? message.substring(0, cut) : message).strip();
  }

  /** Writes the transport's held-back error as a JSON-RPC error object. */
  private void finish(McpAnswer answer, HttpServletResponse response, String session, JsonNode id)
      throws IOException {
    if (!answer.heldError()) {
      return;
    }
    int status = answer.status();
    String message = JsonRpcErrors.messageOf(answer.errorText(), "HTTP " + status);
    if (status == 404 && session != null) {
      ended(session);
      message =
          "MCP session '"
              + session
              + "' not found: it expired after being idle (mcpSessionIdleTimeout), was deleted,"
              + " or Berth restarted; send initialize again, without Mcp-Session-Id, for a new one";
    }
    if (!response.isCommitted()) {
      response.resetBuffer();
      JsonRpcErrors.write(response, status, id, JsonRpcErrors.codeFor(status), message);
    }
  }
}
