package dev.berth.mcp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.server.RawHttpConnection;
import dev.berth.server.RawHttpConnection.Answer;
import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /mcp} bodies have a limit of their own ({@code maxMcpRequestBytes}), refused with 413
 * before they are read: the endpoint used to read up to {@code maxRequestBytes} (256 MiB) into a
 * string. Here the limit is set to 1 MiB so that a real client crosses it quickly.
 */
class McpBodyLimitTest {
  private static final int LIMIT = 1024 * 1024;

  @TempDir Path home;
  private TestServer berth;
  private McpSyncClient client;

  @BeforeEach
  void start() {
    berth = new TestServer(home, Map.of("BERTH_MAX_MCP_REQUEST_BYTES", "1m"));
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"w\"}").status()).isEqualTo(201);
    client = McpHttpTest.connect(berth.url(), berth.adminToken);
  }

  @AfterEach
  void stop() {
    client.closeGracefully();
    berth.close();
  }

  @Test
  void aRealClientWritesAFileUnderTheLimitAndIsRefusedOverItWithNothingWritten() {
    CallToolResult small = write("small.txt", "s".repeat(LIMIT / 2));
    assertThat(small.isError()).as(small.toString()).isFalse();
    assertThat(berth.admin("GET", "/api/v1/sessions/w/files/small.txt", null).text())
        .hasSize(LIMIT / 2);

    // Over the limit but within what the server reads and discards to deliver its answer
    // (UnreadRequestBody.LIMIT, 2 MiB): the client sends no Expect: 100-continue, so without the
    // discard the 413 raced a TCP reset and the client saw "header parser received no bytes".
    Throwable refused = catchThrowable(() -> write("big.txt", "b".repeat(LIMIT + LIMIT / 2)));
    assertThat(refused).as("a tool call whose body is over the limit").isNotNull();
    assertThat(String.valueOf(refused.getMessage()) + refused.getCause()).contains("413");
    assertThat(berth.admin("GET", "/api/v1/sessions/w/files/big.txt", null).status())
        .isEqualTo(404);
  }

  @Test
  void aDeclaredBodyOverTheLimitIsRefusedBeforeAnyOfItIsSent() throws Exception {
    long declared = 200L * 1024 * 1024;
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "POST",
          "/mcp",
          "Authorization: Bearer " + berth.adminToken,
          "Content-Type: application/json",
          "Accept: application/json, text/event-stream",
          "Content-Length: " + declared,
          "Expect: 100-continue");
      // Not "100 Continue": the server must not ask for a body over the limit.
      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(413);
      assertThat(refused.body())
          .contains("too_large", "the body is " + declared + " bytes; the limit is " + LIMIT);
    }
  }

  @Test
  void aChunkedBodyThatNeverEndsIsRefusedPromptly() throws Exception {
    var sent = new AtomicLong();
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "POST",
          "/mcp",
          "Authorization: Bearer " + berth.adminToken,
          "Content-Type: application/json",
          "Accept: application/json, text/event-stream",
          "Transfer-Encoding: chunked");
      Thread sender =
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] chunk = chunk("a".repeat(16 * 1024));
                    try {
                      while (true) {
                        http.send(chunk);
                        sent.addAndGet(chunk.length);
                      }
                    } catch (IOException e) {
                      // the server closed the connection: what the test expects in the end
                    }
                  });
      Answer refused = http.read();
      assertThat(refused.status()).as(refused.body()).isEqualTo(413);
      assertThat(refused.body()).contains("the limit is " + LIMIT + " bytes for /mcp");
      assertThat(sent.get())
          .as("bytes the client had sent when the answer came")
          .isLessThan(32L * 1024 * 1024);
      http.close();
      sender.join(10_000);
    }
  }

  @Test
  void aChunkedRequestWithinTheLimitIsServed() throws Exception {
    String initialize =
        """
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion":\
         "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}""";
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "POST",
          "/mcp",
          "Authorization: Bearer " + berth.adminToken,
          "Content-Type: application/json",
          "Accept: application/json, text/event-stream",
          "Transfer-Encoding: chunked");
      http.send(chunk(initialize));
      http.send("0\r\n\r\n".getBytes(ISO_8859_1));
      Answer answer = http.read();
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      assertThat(answer.body()).contains("\"serverInfo\"");
    }
  }

  private CallToolResult write(String path, String content) {
    return client.callTool(
        CallToolRequest.builder("session_write_file")
            .arguments(Map.of("session_id", "w", "path", path, "content", content))
            .build());
  }

  private static byte[] chunk(String text) {
    byte[] data = text.getBytes(UTF_8);
    var out = new ByteArrayOutputStream();
    out.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(ISO_8859_1));
    out.writeBytes(data);
    out.writeBytes("\r\n".getBytes(ISO_8859_1));
    return out.toByteArray();
  }
}
