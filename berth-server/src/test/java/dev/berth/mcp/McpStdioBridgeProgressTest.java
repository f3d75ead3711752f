package dev.berth.mcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
 * {@code berth mcp}'s bridge passes a call's notifications on: an agent on stdio that sent a
 * progressToken gets the server's progress notifications for it before the result, and a failed
 * call's log line, as a client of the HTTP endpoint does. Spoken to as an agent does, in JSON-RPC
 * lines.
 */
class McpStdioBridgeProgressTest {
  @TempDir Path home;

  @Test
  void progressOfAForwardedCallReachesTheAgentBeforeItsResult() throws Exception {
    try (var berth = new TestServer(home);
        var agent = new Agent(berth)) {
      assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"desk\"}").status())
          .isEqualTo(201);
      agent.send(
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"session_exec\",\"arguments\":{\"session_id\":\"desk\",\"command\":\"echo"
              + " started; while [ ! -e go ]; do sleep 0.05; done; echo over\"},\"_meta\":"
              + "{\"progressToken\":42}}}");

      JsonNode first = agent.next();
      assertThat(first.get("method").asString()).isEqualTo("notifications/progress");
      assertThat(first.get("params").get("progressToken").asInt()).isEqualTo(42);
      assertThat(first.get("params").get("message").asString()).contains("started");

      assertThat(berth.admin("PUT", "/api/v1/sessions/desk/files/go", new byte[0]).status())
          .isEqualTo(201);
      JsonNode answer = agent.answer(2);
      assertThat(answer.get("result").toString()).contains("started\\nover\\n");
    }
  }

  /**
   * The log line and the result both reach the agent. Upstream the line comes first, on the call's
   * response stream; the bridge's SDK client hands it to the relay on another thread than the
   * result, so on stdio either may come first (CI once saw the result first).
   */
  @Test
  void aFailedCallsLogLineReachesTheAgentBesideItsResult() throws Exception {
    try (var berth = new TestServer(home);
        var agent = new Agent(berth)) {
      assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"desk\"}").status())
          .isEqualTo(201);
      agent.send(
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"session_read_file\",\"arguments\":{\"session_id\":\"desk\",\"path\":"
              + "\"no-such.txt\"}}}");
      JsonNode log = null;
      JsonNode answer = null;
      while (log == null || answer == null) {
        JsonNode n = agent.next();
        if (n.has("method")) {
          log = n;
        } else if (n.path("id").asInt() == 3) {
          answer = n;
        }
      }
      assertThat(log.get("method").asString()).isEqualTo("notifications/message");
      assertThat(log.at("/params/level").asString()).isEqualTo("warning");
      assertThat(log.at("/params/logger").asString()).isEqualTo("berth.tools");
      assertThat(log.at("/params/data").toString()).contains("session_read_file failed");
      assertThat(answer.at("/result/isError").asBoolean()).isTrue();
    }
  }

  /** An agent on the bridge's stdio, initialized: what it sends, and what it receives. */
  private static final class Agent implements AutoCloseable {
    private final PipedOutputStream out = new PipedOutputStream();
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final McpStdioBridge bridge;

    Agent(TestServer berth) throws Exception {
      var bridgeIn = new PipedInputStream(out, 1 << 16);
      var bridgeOut = new PipedOutputStream();
      var in = new PipedInputStream(bridgeOut, 1 << 16);
      Thread.ofVirtual()
          .start(
              () -> {
                try (var lines = new BufferedReader(new InputStreamReader(in, UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    received.add(TestServer.JSON.readTree(line));
                  }
                } catch (java.io.IOException e) {
                  // the bridge closed its end
                }
              });
      bridge = new McpStdioBridge(berth.url(), berth.adminToken, "t", bridgeIn, bridgeOut);
      send(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"a\",\"version\":\"1\"}}}");
      assertThat(next().get("id").asInt()).isEqualTo(1);
      send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    void send(String line) throws java.io.IOException {
      out.write((line + "\n").getBytes(UTF_8));
      out.flush();
    }

    JsonNode next() throws InterruptedException {
      JsonNode n = received.poll(30, TimeUnit.SECONDS);
      assertThat(n).as("a message from the bridge within 30 s").isNotNull();
      return n;
    }

    /** The answer to request {@code id}, past any notification before it. */
    JsonNode answer(int id) throws InterruptedException {
      JsonNode message;
      do {
        message = next();
      } while (!message.has("id"));
      assertThat(message.get("id").asInt()).isEqualTo(id);
      return message;
    }

    @Override
    public void close() throws java.io.IOException {
      out.close();
      bridge.close();
    }
  }
}
