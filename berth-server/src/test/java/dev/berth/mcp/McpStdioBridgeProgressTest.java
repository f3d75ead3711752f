package dev.berth.mcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth mcp}'s bridge passes a call's progress on: an agent on stdio that sent a
 * progressToken gets the server's progress notifications for it before the result, as a client of
 * the HTTP endpoint does. Spoken to as an agent does, in JSON-RPC lines.
 */
class McpStdioBridgeProgressTest {
  @TempDir Path home;

  @Test
  void progressOfAForwardedCallReachesTheAgentBeforeItsResult() throws Exception {
    try (var berth = new TestServer(home)) {
      assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"desk\"}").status())
          .isEqualTo(201);
      var agentOut = new PipedOutputStream();
      var bridgeIn = new PipedInputStream(agentOut, 1 << 16);
      var bridgeOut = new PipedOutputStream();
      var agentIn = new PipedInputStream(bridgeOut, 1 << 16);
      BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
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
      try (var bridge =
          new McpStdioBridge(berth.url(), berth.adminToken, "t", bridgeIn, bridgeOut)) {
        send(
            agentOut,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"a\",\"version\":\"1\"}}}");
        assertThat(next(received).get("id").asInt()).isEqualTo(1);
        send(agentOut, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(
            agentOut,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"session_exec\",\"arguments\":{\"session_id\":\"desk\",\"command\":\"echo"
                + " started; while [ ! -e go ]; do sleep 0.05; done; echo over\"},\"_meta\":"
                + "{\"progressToken\":42}}}");

        JsonNode first = next(received);
        assertThat(first.get("method").asString()).isEqualTo("notifications/progress");
        assertThat(first.get("params").get("progressToken").asInt()).isEqualTo(42);
        assertThat(first.get("params").get("message").asString()).contains("started");

        assertThat(berth.admin("PUT", "/api/v1/sessions/desk/files/go", new byte[0]).status())
            .isEqualTo(201);
        JsonNode message;
        do {
          message = next(received);
        } while (!message.has("id"));
        assertThat(message.get("id").asInt()).isEqualTo(2);
        assertThat(message.get("result").toString()).contains("started\\nover\\n");
        agentOut.close();
      }
    }
  }

  private static void send(OutputStream out, String line) throws java.io.IOException {
    out.write((line + "\n").getBytes(UTF_8));
    out.flush();
  }

  private static JsonNode next(BlockingQueue<JsonNode> received) throws InterruptedException {
    JsonNode n = received.poll(30, TimeUnit.SECONDS);
    assertThat(n).as("a message from the bridge within 30 s").isNotNull();
    return n;
  }
}
