package dev.berth.mcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.server.RawHttpConnection;
import dev.berth.server.RawHttpConnection.Answer;
import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No MCP answer carries a Java stack trace: the SDK's HTTP transport answered a bad request by
 * serializing its exception, {@code "stackTrace": [{"className": ...}]} and all.
 */
class McpErrorBodiesTest {
  @TempDir Path home;
  private TestServer berth;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  @Test
  void aMalformedRequestGetsAnErrorWithoutAStackTrace() throws Exception {
    Answer answer = post("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\"");
    assertThat(answer.status()).isEqualTo(400);
    assertNoInternals(answer.body());
    assertThat(answer.body()).contains("\"code\":-32700").contains("the body is not JSON");
  }

  @Test
  void aMessageThatIsNotJsonRpcGetsAnErrorWithoutAStackTrace() throws Exception {
    Answer answer = post("{}");
    assertThat(answer.status()).isEqualTo(400);
    assertNoInternals(answer.body());
  }

  @Test
  void anUnknownMcpSessionGetsAnErrorWithoutAStackTrace() throws Exception {
    Answer answer =
        post(
            "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}",
            "Mcp-Session-Id: no-such-session");
    assertThat(answer.status()).isEqualTo(404);
    assertNoInternals(answer.body());
    assertThat(answer.body()).contains("\"code\":-32001").contains("not found");
  }

  @Test
  void aRealClientSeesProtocolErrorsWithoutAStackTrace() {
    McpSyncClient client = McpHttpTest.connect(berth.url(), berth.adminToken);
    try {
      Throwable unknownTool =
          catchThrowable(() -> client.callTool(CallToolRequest.builder("no_such_tool").build()));
      assertThat(unknownTool).isInstanceOf(McpError.class);
      var error = ((McpError) unknownTool).getJsonRpcError();
      assertThat(String.valueOf(error.data())).contains("no_such_tool");
      assertNoInternals(error.message());
      assertNoInternals(String.valueOf(error.data()));
    } finally {
      client.closeGracefully();
    }
  }

  private static void assertNoInternals(String text) {
    assertThat(text)
        .doesNotContain("stackTrace")
        .doesNotContain("className")
        .doesNotContain("io.modelcontextprotocol")
        .doesNotContain("org.eclipse.jetty");
  }

  private Answer post(String body, String... extraHeaders) throws Exception {
    try (var http = new RawHttpConnection(berth.url())) {
      List<String> headers =
          new ArrayList<>(
              List.of(
                  "Authorization: Bearer " + berth.adminToken,
                  "Content-Type: application/json",
                  "Accept: application/json, text/event-stream",
                  "Content-Length: " + body.getBytes(UTF_8).length));
      headers.addAll(List.of(extraHeaders));
      http.head("POST", "/mcp", headers.toArray(String[]::new));
      http.send(body.getBytes(UTF_8));
      return http.read();
    }
  }
}
