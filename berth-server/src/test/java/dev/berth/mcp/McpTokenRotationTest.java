package dev.berth.mcp;

import static dev.berth.mcp.McpHttpTest.call;
import static dev.berth.mcp.McpHttpTest.connect;
import static dev.berth.mcp.McpHttpTest.error;
import static dev.berth.mcp.McpHttpTest.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotated session token on MCP, with a real MCP client over Streamable HTTP: session_token gives
 * a new one, and the old one is refused at the door from the next request on, even on a connection
 * that was opened with it.
 */
class McpTokenRotationTest {
  @TempDir Path home;
  private TestServer berth;
  private final List<McpSyncClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    berth = new TestServer(home);
  }

  @AfterEach
  void stop() {
    clients.forEach(McpSyncClient::closeGracefully);
    berth.close();
  }

  private McpSyncClient client(String token) {
    McpSyncClient c = connect(berth.url(), token);
    clients.add(c);
    return c;
  }

  private static String token(String toolAnswer) {
    return TestServer.JSON.readTree(toolAnswer).get("token").asString();
  }

  @Test
  void aSessionTokenRotatedOverMcpStopsWorkingAtOnce() {
    McpSyncClient admin = client(berth.adminToken);
    String old = token(ok(admin, "session_create", Map.of("id", "agent")));
    McpSyncClient agent = client(old);
    assertThat(ok(agent, "session_info", Map.of())).contains("\"session_id\" : \"agent\"");

    String fresh = token(ok(agent, "session_token", Map.of()));
    assertThat(fresh).startsWith("berth_s_").isNotEqualTo(old);

    assertThatThrownBy(() -> call(agent, "session_info", Map.of()))
        .as("the connection opened with the old token")
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> connect(berth.url(), old)).isInstanceOf(RuntimeException.class);
    TestServer.Response raw = berth.call("POST", "/mcp", old, "{}");
    assertThat(raw.status()).isEqualTo(401);
    assertThat(raw.errorCode()).isEqualTo("unauthorized");

    McpSyncClient again = client(fresh);
    assertThat(ok(again, "session_info", Map.of())).contains("\"session_id\" : \"agent\"");
    assertThat(berth.call("GET", "/api/v1/sessions/agent", old, null).status()).isEqualTo(401);
  }

  @Test
  void theAdminRotatesAnySessionAndASessionTokenNoOther() {
    McpSyncClient admin = client(berth.adminToken);
    String a = token(ok(admin, "session_create", Map.of("id", "tok-a")));
    token(ok(admin, "session_create", Map.of("id", "tok-b")));

    McpSyncClient holderOfA = client(a);
    assertThat(error(holderOfA, "session_token", Map.of("session_id", "tok-b")))
        .contains("admin token");
    assertThat(error(holderOfA, "session_token", Map.of("session_id", "nosuch")))
        .as("the same refusal whether the other session exists or not")
        .contains("admin token");
    assertThat(error(admin, "session_token", Map.of("session_id", "nosuch")))
        .contains("no session 'nosuch'");
    assertThat(error(admin, "session_token", Map.of())).contains("session_id is required");

    String b = token(ok(admin, "session_token", Map.of("session_id", "tok-b")));
    assertThat(berth.call("GET", "/api/v1/sessions/tok-b", b, null).status()).isEqualTo(200);
    assertThat(ok(holderOfA, "session_info", Map.of()))
        .as("another session's rotation leaves this token alone")
        .contains("\"session_id\" : \"tok-a\"");
  }
}
