package dev.berth.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The bridge's upstream transport, watched: which forwarded tool calls the server refused with a
 * 404 for the MCP session (it restarted, or the session expired), so the call never ran and may be
 * sent again on a new session. The SDK's client fails every call in flight the same way ("MCP
 * session with server terminated") when any request of the session gets a 404, also a call the old
 * server was running when it died; so each call carries a mark of its own in {@code _meta}, and
 * only a call whose own POST got the 404 counts as not run.
 */
final class UnsentCalls implements McpClientTransport {
  private static final String MARK = "berth/bridge-call";

  private final McpClientTransport delegate;

  /** What became of a marked call's POST. */
  enum Outcome {
    /** The server took it (it may have run). */
    SENT,
    /** 404 for the session: it did not run. */
    SESSION_GONE,
    /** Nothing listened at the server's address: it did not run. */
    NOT_CONNECTED,
    /** The transport gave no verdict in time. */
    UNKNOWN
  }

  private final Map<String, CompletableFuture<Outcome>> sent = new ConcurrentHashMap<>();

  UnsentCalls(McpClientTransport delegate) {
    this.delegate = delegate;
  }

  /** {@code request} with a mark of its own; {@link #outcome} tells about it after a failure. */
  CallToolRequest marked(CallToolRequest request, String mark) {
    Map<String, Object> meta = new HashMap<>(request.meta() == null ? Map.of() : request.meta());
    meta.put(MARK, mark);
    sent.put(mark, new CompletableFuture<>());
    return new CallToolRequest(request.name(), request.arguments(), meta);
  }

  static String newMark() {
    return UUID.randomUUID().toString();
  }

  /**
   * What became of the marked call's own POST (a 404 for the session or no connection: it did not
   * run). Waits a moment for the transport's verdict, which it gives just after failing the call.
   */
  Outcome outcome(String mark) {
    CompletableFuture<Outcome> verdict = sent.get(mark);
    if (verdict == null) {
      return Outcome.UNKNOWN;
    }
    try {
      return verdict.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.UNKNOWN;
    } catch (Exception e) {
      return Outcome.UNKNOWN;
    }
  }

  void forget(String mark) {
    sent.remove(mark);
  }

  @Override
  public Mono<Void> sendMessage(JSONRPCMessage message) {
    String mark = markOf(message);
    if (mark == null) {
      return delegate.sendMessage(message);
    }
    return delegate
        .sendMessage(message)
        .doOnSuccess(v -> verdict(mark, Outcome.SENT))
        .doOnError(
            e ->
                verdict(
                    mark,
                    UpstreamFailures.sessionGone(e)
                        ? Outcome.SESSION_GONE
                        : UpstreamFailures.neverConnected(e)
                            ? Outcome.NOT_CONNECTED
                            : Outcome.SENT));
  }

  private void verdict(String mark, Outcome refused) {
    CompletableFuture<Outcome> f = sent.get(mark);
    if (f != null) {
      f.complete(refused);
    }
  }

  private static String markOf(JSONRPCMessage message) {
    if (message instanceof JSONRPCRequest r && r.params() instanceof CallToolRequest c) {
      Object mark = c.meta() == null ? null : c.meta().get(MARK);
      return mark == null ? null : mark.toString();
    }
    return null;
  }

  @Override
  public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
    return delegate.connect(handler);
  }

  @Override
  public void setExceptionHandler(Consumer<Throwable> handler) {
    delegate.setExceptionHandler(handler);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return delegate.closeGracefully();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
    return delegate.unmarshalFrom(data, typeRef);
  }

  @Override
  public List<String> protocolVersions() {
    return delegate.protocolVersions();
  }
}
