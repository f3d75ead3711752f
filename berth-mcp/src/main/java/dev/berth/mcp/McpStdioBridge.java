package dev.berth.mcp;

import dev.berth.mcp.tool.ToolResults;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code berth mcp}: an MCP server on stdio for desktop agents that forwards every tool call to the
 * running Berth server's {@code /mcp}, and the server's progress notifications for a call back to
 * the agent that asked for them, and its log notifications. One manager per installation: the
 * bridge holds no state beyond the calls in flight and runs no session itself. It ends when its
 * standard input closes.
 */
public final class McpStdioBridge implements AutoCloseable {
  private static final Duration LIVENESS_CHECK = Duration.ofSeconds(3);
  private final String baseUrl;
  private final String token;
  private final String version;
  private final UpstreamFailures failures;
  private volatile McpSyncClient upstream;
  private volatile UnsentCalls unsent;
  private final McpSyncServer server;
  private final CountDownLatch inputClosed = new CountDownLatch(1);
  // Which agent's call each progress token belongs to, while the call runs upstream.
  private final Map<Object, McpSyncServerExchange> progressTo = new ConcurrentHashMap<>();
  // The agent, as of its last call: stdio has one agent in one MCP session, so any of its
  // exchanges reaches it (and applies its logging/setLevel).
  private volatile McpSyncServerExchange agent;

  /**
   * Connects to {@code baseUrl}'s MCP endpoint with {@code token} (fails with the server's reason
   * when it cannot), then serves the same tools on {@code in}/{@code out}.
   */
  public McpStdioBridge(
      String baseUrl, String token, String version, InputStream in, OutputStream out) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.version = version;
    this.failures = new UpstreamFailures(baseUrl, token);
    try {
      this.upstream = connect();
    } catch (RuntimeException e) {
      throw new IllegalStateException(failures.describeStart(e), e);
    }
    List<SyncToolSpecification> tools = new ArrayList<>();
    for (Tool tool : allTools()) {
      tools.add(new SyncToolSpecification(tool, this::forward));
    }
    this.server =
        McpServer.sync(new StdioServerTransportProvider(BerthMcp.JSON, watch(in), out))
            .serverInfo("berth", version)
            .instructions(BerthMcp.INSTRUCTIONS)
            .capabilities(ServerCapabilities.builder().tools(false).build())
            .jsonMapper(BerthMcp.JSON)
            .requestTimeout(Duration.ofHours(1))
            .tools(tools)
            .build();
  }

  private McpSyncClient connect() {
    var watched = new UnsentCalls();
    var transport =
        HttpClientStreamableHttpTransport.builder(baseUrl)
            .clientBuilder(watched.httpClient())
            .endpoint(McpHttpEndpoint.PATH)
            .jsonMapper(BerthMcp.JSON)
            .addHttpRequestCustomizer(watched.markHeader())
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) -> {
                  if (token != null) {
                    builder.header("Authorization", "Bearer " + token);
                  }
                })
            .build();
    McpSyncClient client =
        McpClient.sync(watched.watching(transport))
            .clientInfo(Implementation.builder("berth-mcp-stdio", version).build())
            .requestTimeout(Duration.ofHours(1))
            .progressConsumer(this::relay)
            .loggingConsumer(this::relayLog)
            .build();
    try {
      client.initialize();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    unsent = watched;
    return client;
  }

  /**
   * A new MCP session in place of {@code stale}, once: calls that failed on the stale one at once
   * share it.
   */
  private synchronized McpSyncClient reconnect(McpSyncClient stale) {
    if (upstream == stale) {
      upstream = connect();
      stale.close();
    }
    return upstream;
  }

  private List<Tool> allTools() {
    List<Tool> tools = new ArrayList<>();
    ListToolsResult page = upstream.listTools();
    tools.addAll(page.tools());
    while (page.nextCursor() != null) {
      page = upstream.listTools(page.nextCursor());
      tools.addAll(page.tools());
    }
    return tools;
  }

  /**
   * Forwards the call as it came, its progress token included: the server's progress for it goes
   * back to the agent ({@link #relay}) until the call answers.
   */
  private CallToolResult forward(McpSyncServerExchange exchange, CallToolRequest request) {
    agent = exchange;
    Object token = request.progressToken();
    if (token != null) {
      progressTo.put(token, exchange);
    }
    try {
      return call(request);
    } catch (RuntimeException e) {
      return ToolResults.error(failures.describe(request.name(), e));
    } finally {
      if (token != null) {
        progressTo.remove(token, exchange);
      }
    }
  }

  /**
   * The call upstream. A 404 for our MCP session (the server restarted, or the session expired)
   * means the call was not run: the bridge initializes a new session and sends it again.
   */
  private CallToolResult call(CallToolRequest request) {
    McpSyncClient client = upstream;
    UnsentCalls watch = unsent;
    String mark = UnsentCalls.newMark();
    try {
      return awaitAnswer(client, watch.marked(request, mark));
    } catch (RuntimeException e) {
      return switch (watch.outcome(mark)) {
        case SESSION_GONE -> reconnect(client).callTool(request);
        case NOT_CONNECTED -> throw new UpstreamFailures.NotSent(e);
        case SENT, UNKNOWN -> throw e;
      };
    } finally {
      watch.forget(mark);
    }
  }

  /**
   * The call's answer. The SDK's client waits for an answer as long as its request timeout when the
   * server dies and its response stream just ends, so while it waits the bridge looks every few
   * seconds whether the server is still there.
   */
  private CallToolResult awaitAnswer(McpSyncClient client, CallToolRequest request) {
    var answer = new CompletableFuture<CallToolResult>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                answer.complete(client.callTool(request));
              } catch (Throwable t) {
                answer.completeExceptionally(t);
              }
            });
    while (true) {
      try {
        return answer.get(LIVENESS_CHECK.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        if (failures.probe() instanceof UpstreamFailures.Probe.Gone) {
          throw new UpstreamFailures.WentAway();
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("the bridge was stopped while " + request.name() + " ran");
      }
    }
  }

  private void relay(ProgressNotification progress) {
    McpSyncServerExchange to = progressTo.get(progress.progressToken());
    if (to == null) {
      return; // its call has answered: the spec allows no progress after that
    }
    try {
      to.progressNotification(progress);
    } catch (RuntimeException e) {
      // the agent went away; its call ends with it
    }
  }

  /** The server's log lines (a failed tool call's, see ToolFailureLog) go to the agent as sent. */
  private void relayLog(LoggingMessageNotification log) {
    McpSyncServerExchange to = agent;
    if (to == null) {
      return;
    }
    try {
      to.loggingNotification(log);
    } catch (RuntimeException e) {
      // the agent went away
    }
  }

  /** Counts down when the agent closes our stdin: the SDK offers no callback for it. */
  private InputStream watch(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
          inputClosed.countDown();
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
          inputClosed.countDown();
        }
        return n;
      }
    };
  }

  /** Blocks until standard input closes. */
  public void awaitInputClosed() throws InterruptedException {
    inputClosed.await();
  }

  @Override
  public void close() {
    server.closeGracefully();
    upstream.closeGracefully();
  }
}
