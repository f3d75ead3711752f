package dev.berth.mcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth mcp}'s bridge across the server's restarts: it initializes a new MCP session by
 * itself when the server lost its one, says the server's own reason when it refuses the token, and
 * says that a call in flight when the server went away may or may not have run. Spoken to as an
 * agent does, in JSON-RPC lines.
 */
class McpStdioBridgeRestartTest {
  @TempDir Path home;

  @Test
  void afterARestartTheBridgeInitializesAgainAndTheCallRuns() throws Exception {
    int port = freePort();
    var before = new TestServer(home, Map.of(), "local", port);
    String admin = before.adminToken;
    assertThat(before.admin("POST", "/api/v1/sessions", "{\"id\": \"desk\"}").status())
        .isEqualTo(201);
    try (var agent = new Agent(before.url(), admin)) {
      assertThat(agent.call(2, "session_info", "{\"session_id\":\"desk\"}").toString())
          .contains("desk")
          .doesNotContain("\"isError\":true");
      before.stopKeepingSessions();
      try (var after = new TestServer(home, Map.of(), "local", port)) {
        JsonNode again = agent.call(3, "session_info", "{\"session_id\":\"desk\"}");
        assertThat(again.toString()).contains("desk").doesNotContain("\"isError\":true");
      }
    }
  }

  @Test
  void aCallInFlightWhenTheServerDiesSaysItMayOrMayNotHaveRun() throws Exception {
    int port = freePort();
    var berth = new TestServer(home, Map.of(), "local", port);
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"desk\"}").status())
        .isEqualTo(201);
    try (var agent = new Agent(berth.url(), berth.adminToken)) {
      agent.send(
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"session_exec\",\"arguments\":{\"session_id\":\"desk\",\"command\":\"echo"
              + " started; sleep 30\"},\"_meta\":{\"progressToken\":7}}}");
      JsonNode first = agent.next();
      assertThat(first.get("method").asString()).isEqualTo("notifications/progress");
      berth.stopKeepingSessions();
      JsonNode answer = agent.answerTo(2);
      assertThat(answer.toString())
          .contains("\"isError\":true")
          .contains(UpstreamFailures.WENT_AWAY);
    }
  }

  @Test
  void aRefusedTokenIsReportedInTheServersWords() throws Exception {
    try (var berth = new TestServer(home)) {
      assertThatThrownBy(
              () ->
                  new McpStdioBridge(
                      berth.url(),
                      "berth_admin_forged",
                      "t",
                      new PipedInputStream(new PipedOutputStream()),
                      OutputStream.nullOutputStream()))
          .hasMessageContaining("token")
          .hasMessageNotContaining("Authorization error when sending message")
          .hasMessageNotContaining("null");
    }
  }

  @Test
  void nothingListeningIsSaidPlainly() throws Exception {
    int port = freePort();
    assertThatThrownBy(
            () ->
                new McpStdioBridge(
                    "http://127.0.0.1:" + port,
                    "berth_admin_x",
                    "t",
                    new PipedInputStream(new PipedOutputStream()),
                    OutputStream.nullOutputStream()))
        .hasMessageContaining("cannot reach the Berth server at http://127.0.0.1:" + port);
  }

  private static int freePort() throws Exception {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** An agent on the bridge's stdio, initialized. */
  private static final class Agent implements AutoCloseable {
    private final PipedOutputStream agentOut = new PipedOutputStream();
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final McpStdioBridge bridge;

    Agent(String url, String token) throws Exception {
      var bridgeIn = new PipedInputStream(agentOut, 1 << 16);
      var bridgeOut = new PipedOutputStream();
      var agentIn = new PipedInputStream(bridgeOut, 1 << 16);
      Thread.ofVirtual()
          .start(
              () -> {
                try (var lines = new BufferedReader(new InputStreamReader(agentIn, UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    received.add(TestServer.JSON.readTree(line));
                  }
                } catch (java.io.IOException e) {
                  // the bridge closed its end
                }
              });
      bridge = new McpStdioBridge(url, token, "t", bridgeIn, bridgeOut);
      send(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"a\",\"version\":\"1\"}}}");
      assertThat(answerTo(1).has("result")).isTrue();
      send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    JsonNode call(int id, String tool, String arguments) throws Exception {
      send(
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + id
              + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
              + tool
              + "\",\"arguments\":"
              + arguments
              + "}}");
      return answerTo(id);
    }

    void send(String line) throws java.io.IOException {
      agentOut.write((line + "\n").getBytes(UTF_8));
      agentOut.flush();
    }

    JsonNode next() throws InterruptedException {
      JsonNode n = received.poll(60, TimeUnit.SECONDS);
      assertThat(n).as("a message from the bridge within 60 s").isNotNull();
      return n;
    }

    JsonNode answerTo(int id) throws InterruptedException {
      JsonNode m;
      do {
        m = next();
      } while (!m.has("id") || m.get("id").asInt() != id);
      return m;
    }

    @Override
    public void close() throws Exception {
      agentOut.close();
      bridge.close();
    }
  }
}
