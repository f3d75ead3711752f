package dev.berth.mcp;

import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The bridge's upstream transport, watched: which forwarded tool calls the server refused with a
 * 404 for the MCP session (it restarted, or the session expired), so the call never ran and may be
 * sent again on a new session. The SDK's client fails every call in flight the same way ("MCP
 * session with server terminated") when any request of the session gets a 404, also a call the old
 * server was running when it died; so each call carries a mark of its own in {@code _meta}, and
 * only a call whose own POST was refused, or never sent, counts as not run.
 *
 * <p>The verdict comes from the HTTP exchange of the call's own POST, not from the SDK's {@code
 * sendMessage} answer: when another request of the session (the SSE stream's reconnect) gets the
 * 404 first, the SDK invalidates the session and cancels the call's POST, and its {@code
 * sendMessage} then completes as if the message had been delivered. The watched HTTP client lets
 * that POST's exchange finish on its own, so its status still says whether the server took it.
 */
final class UnsentCalls implements McpClientTransport {
  private static final String MARK = "berth/bridge-call";
  private static final String MARK_HEADER = "X-Berth-Bridge-Call";

  private McpClientTransport delegate;

  /** What became of a marked call's POST. */
  enum Outcome {
    /** The server took it (it may have run). */
    SENT,
    /**
     * It did not run: the server refused its POST before reading it (404 for the session, 400 for a
     * missing one), or it was never sent because the session had already ended.
     */
    SESSION_GONE,
    /** Nothing listened at the server's address: it did not run. */
    NOT_CONNECTED,
    /** The transport gave no verdict in time. */
    UNKNOWN
  }

  /** One marked call: whether the SDK is done with it, and what its POST's exchange said. */
  private static final class Watch {
    final CompletableFuture<Void> sdkDone = new CompletableFuture<>();
    final CompletableFuture<Outcome> http = new CompletableFuture<>();
    // Settled once: the POST went to the HTTP client, or it was judged never sent (then it never
    // will be, even if the SDK's cancelled pipeline reaches the HTTP client late).
    final AtomicReference<Boolean> handedToHttp = new AtomicReference<>();
  }

  private final Map<String, Watch> sent = new ConcurrentHashMap<>();

  /** Watches {@code delegate}, which must send its requests with {@link #httpClient()}. */
  UnsentCalls watching(McpClientTransport delegate) {
    this.delegate = delegate;
    return this;
  }

  /** {@code request} with a mark of its own; {@link #outcome} tells about it after a failure. */
  CallToolRequest marked(CallToolRequest request, String mark) {
    Map<String, Object> meta = new HashMap<>(request.meta() == null ? Map.of() : request.meta());
    meta.put(MARK, mark);
    sent.put(mark, new Watch());
    return new CallToolRequest(request.name(), request.arguments(), meta);
  }

  static String newMark() {
    return UUID.randomUUID().toString();
  }

  /**
   * What became of the marked call's own POST. Waits a moment for the transport to be done with it
   * and for the POST's answer, which come just after the call failed.
   */
  Outcome outcome(String mark) {
    Watch watch = sent.get(mark);
    if (watch == null) {
      return Outcome.UNKNOWN;
    }
    try {
      watch.sdkDone.get(5, TimeUnit.SECONDS);
      if (watch.handedToHttp.compareAndSet(null, false)) {
        // The SDK is done with the call and never gave its POST to the HTTP client.
        return Outcome.SESSION_GONE;
      }
      return watch.http.get(5, TimeUnit.SECONDS);
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

  /** Names the marked call's POST in a header, so the watched HTTP client knows it. */
  McpSyncHttpClientRequestCustomizer markHeader() {
    return (builder, method, uri, body, context) -> {
      if ("POST".equals(method) && body != null && body.contains(MARK)) {
        String mark = markIn(body);
        if (mark != null) {
          builder.header(MARK_HEADER, mark);
        }
      }
    };
  }

  private static String markIn(String body) {
    try {
      JsonNode m = JsonRpcErrors.JSON.readTree(body).path("params").path("_meta").path(MARK);
      return m.isString() ? m.asString() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The HTTP client for the SDK's transport: it records the answer to each marked POST. */
  HttpClient.Builder httpClient() {
    return new WatchingBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
  }

  /** False when the call was already judged never sent: then it must not go out. */
  private boolean handed(String mark) {
    Watch watch = sent.get(mark);
    return watch == null
        || watch.handedToHttp.compareAndSet(null, true)
        || watch.handedToHttp.get();
  }

  private void answered(String mark, HttpResponse<?> response, Throwable failure) {
    Watch watch = sent.get(mark);
    if (watch == null) {
      return;
    }
    if (failure != null) {
      watch.http.complete(
          UpstreamFailures.neverConnected(failure) ? Outcome.NOT_CONNECTED : Outcome.SENT);
      return;
    }
    int status = response.statusCode();
    // Berth's /mcp answers 404 for an unknown session and 400 for a missing one before it reads
    // the call; a call it took is answered with 2xx, even when the tool fails.
    watch.http.complete(status == 404 || status == 400 ? Outcome.SESSION_GONE : Outcome.SENT);
  }

  @Override
  public Mono<Void> sendMessage(JSONRPCMessage message) {
    String mark = markOf(message);
    if (mark == null) {
      return delegate.sendMessage(message);
    }
    return delegate
        .sendMessage(message)
        .doFinally(
            signal -> {
              Watch watch = sent.get(mark);
              if (watch != null) {
                watch.sdkDone.complete(null);
              }
            });
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

  /** Builds a {@link WatchingClient}. */
  private final class WatchingBuilder implements HttpClient.Builder {
    private final HttpClient.Builder builder;

    WatchingBuilder(HttpClient.Builder builder) {
      this.builder = builder;
    }

    @Override
    public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
      builder.cookieHandler(cookieHandler);
      return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(Duration duration) {
      builder.connectTimeout(duration);
      return this;
    }

    @Override
    public HttpClient.Builder sslContext(SSLContext sslContext) {
      builder.sslContext(sslContext);
      return this;
    }

    @Override
    public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
      builder.sslParameters(sslParameters);
      return this;
    }

    @Override
    public HttpClient.Builder executor(Executor executor) {
      builder.executor(executor);
      return this;
    }

    @Override
    public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
      builder.followRedirects(policy);
      return this;
    }

    @Override
    public HttpClient.Builder version(HttpClient.Version version) {
      builder.version(version);
      return this;
    }

    @Override
    public HttpClient.Builder priority(int priority) {
      builder.priority(priority);
      return this;
    }

    @Override
    public HttpClient.Builder proxy(ProxySelector proxySelector) {
      builder.proxy(proxySelector);
      return this;
    }

    @Override
    public HttpClient.Builder authenticator(Authenticator authenticator) {
      builder.authenticator(authenticator);
      return this;
    }

    @Override
    public HttpClient.Builder localAddress(InetAddress localAddr) {
      builder.localAddress(localAddr);
      return this;
    }

    @Override
    public HttpClient build() {
      return new WatchingClient(builder.build());
    }
  }

  /**
   * The SDK's HTTP client, but a marked POST's exchange runs to its answer even when the SDK
   * cancels it, and the answer is recorded for {@link #outcome}.
   */
  private final class WatchingClient extends HttpClient {
    private final HttpClient client;

    WatchingClient(HttpClient client) {
      this.client = client;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      String mark = request.headers().firstValue(MARK_HEADER).orElse(null);
      if (mark == null) {
        return client.sendAsync(request, handler);
      }
      if (!handed(mark)) {
        return CompletableFuture.failedFuture(
            new IOException("not sent: the bridge already counted this call as never sent"));
      }
      CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(request, handler);
      // The SDK gets a copy: cancelling it leaves the exchange to finish and say its status.
      CompletableFuture<HttpResponse<T>> forSdk = exchange.copy();
      exchange.whenComplete(
          (response, failure) -> {
            answered(mark, response, failure);
            if (response != null && forSdk.isCancelled()) {
              discard(response.body());
            }
          });
      return forSdk;
    }

    /**
     * Ends a body nobody reads any more (the SDK cancelled its request), freeing the connection.
     */
    private static void discard(Object body) {
      if (body instanceof Flow.Publisher<?> publisher) {
        publisher.subscribe(
            new Flow.Subscriber<Object>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
              }

              @Override
              public void onNext(Object item) {}

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            });
      }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request,
        HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
      return client.sendAsync(request, handler, pushPromiseHandler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
        throws IOException, InterruptedException {
      return client.send(request, handler);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return client.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return client.connectTimeout();
    }

    @Override
    public HttpClient.Redirect followRedirects() {
      return client.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return client.proxy();
    }

    @Override
    public SSLContext sslContext() {
      return client.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
      return client.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return client.authenticator();
    }

    @Override
    public HttpClient.Version version() {
      return client.version();
    }

    @Override
    public Optional<Executor> executor() {
      return client.executor();
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
      return client.newWebSocketBuilder();
    }

    @Override
    public void shutdown() {
      client.shutdown();
    }

    @Override
    public boolean awaitTermination(Duration duration) throws InterruptedException {
      return client.awaitTermination(duration);
    }

    @Override
    public boolean isTerminated() {
      return client.isTerminated();
    }

    @Override
    public void shutdownNow() {
      client.shutdownNow();
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
