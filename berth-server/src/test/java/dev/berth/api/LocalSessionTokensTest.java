package dev.berth.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.RawHttpConnection;
import dev.berth.server.RawHttpConnection.Answer;
import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local session runs commands as Berth's own user, who can read admin.token: a session token
 * cannot keep its holder to one local session. So, unless the installation opts in ({@code
 * backends: {local: {sessionTokens: true}}}), local sessions get no session token and the ones they
 * have are refused with a 403 that says how to opt in, on REST, MCP and the logins. And an
 * installation can turn the local backend off, after which nothing falls back onto it silently.
 */
class LocalSessionTokensTest {
  private static final String OPT_IN = "localSessionTokens: true";

  @TempDir Path home;

  private void berthYaml(String yaml) throws Exception {
    Files.createDirectories(home);
    Files.writeString(home.resolve("berth.yaml"), yaml);
  }

  @Test
  void byDefaultALocalSessionGetsNoTokenAndTheCreateSaysWhy() throws Exception {
    berthYaml("reconcileInterval: 5s\n"); // a berth.yaml of its own: the real default
    try (var berth = new TestServer(home)) {
      Response created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"plain\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(created.json().has("token")).as(created.toString()).isFalse();
      assertThat(created.json().get("noToken").asString())
          .contains("Berth's own user", "admin token", OPT_IN);

      Response executor = berth.admin("POST", "/executor/exe", "{}");
      assertThat(executor.status()).as(executor.toString()).isEqualTo(201);
      assertThat(executor.json().get("token").isNull()).as(executor.toString()).isTrue();
      assertThat(executor.json().get("noToken").asString()).contains(OPT_IN);

      Response rotated = berth.admin("POST", "/api/v1/sessions/plain/token", null);
      assertThat(rotated.status()).as(rotated.toString()).isEqualTo(403);
      assertThat(rotated.errorCode()).isEqualTo("forbidden");
      assertThat(rotated.text()).contains(OPT_IN);
    }
  }

  @Test
  void aTokenMadeWhileOptedInIsRefusedOnRestMcpAndTheLoginsOnceTheOptInIsGone() throws Exception {
    var before = new TestServer(home, Map.of("BERTH_LOCAL_SESSION_TOKENS", "true"));
    Response created = before.admin("POST", "/api/v1/sessions", "{\"id\": \"kept\"}");
    String token = created.json().get("token").asString();
    assertThat(before.call("GET", "/api/v1/sessions/kept", token, null).status()).isEqualTo(200);
    before.stopKeepingSessions();
    berthYaml("backends:\n  local: {sessionTokens: false}\n");
    try (var berth = new TestServer(home)) {
      for (String path : new String[] {"/api/v1/sessions/kept", "/api/v1/sessions/kept/files/"}) {
        Response refused = berth.call("GET", path, token, null);
        assertThat(refused.status()).as(path + ": " + refused).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("forbidden");
        assertThat(refused.text()).contains("sessions on the local backend", OPT_IN);
      }
      Response exec =
          berth.call("POST", "/api/v1/sessions/kept/exec", token, "{\"command\": \"id\"}");
      assertThat(exec.status()).as(exec.toString()).isEqualTo(403);

      Answer mcp = mcpInitialize(berth, token);
      assertThat(mcp.status()).as(mcp.body()).isEqualTo(403);
      assertThat(mcp.body()).contains("\"forbidden\"", OPT_IN);

      // Nor does it get a browser in: no dashboard login, no login link, no proxy cookie.
      for (Response login :
          new Response[] {
            berth.call("POST", "/api/v1/login", null, "{\"token\": \"" + token + "\"}"),
            berth.call("POST", "/api/v1/sessions/kept/login-link", token, null),
            berth.call("GET", "/s/kept/?token=" + token, null, null)
          }) {
        assertThat(login.status()).as(login.toString()).isEqualTo(403);
        assertThat(login.text()).contains(OPT_IN);
      }
      assertThat(mcpInitialize(berth, berth.adminToken).status())
          .as("the admin token still works")
          .isEqualTo(200);
    }
  }

  @Test
  void anInstallationThatOptsInGetsWorkingTokensForLocalSessions() throws Exception {
    berthYaml("backends:\n  local: {sessionTokens: true}\n");
    try (var berth = new TestServer(home)) {
      Response created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"trusted\"}");
      String token = created.json().get("token").asString();
      assertThat(token).startsWith("berth_s_");
      assertThat(created.json().has("noToken")).isFalse();
      assertThat(berth.call("GET", "/api/v1/sessions/trusted", token, null).status())
          .isEqualTo(200);
      assertThat(mcpInitialize(berth, token).status()).isEqualTo(200);
    }
  }

  @Test
  void withLocalTurnedOffAndNoOtherBackendStartUpFailsSayingSo() throws Exception {
    // This module's tests have only the local backend: auto has nothing else to choose.
    berthYaml("backends:\n  local: {enabled: false}\n");
    assertThatThrownBy(() -> new TestServer(home, Map.of(), "auto"))
        .hasMessageContaining("backend auto: no backend of this build can run sessions here")
        .hasMessageContaining("the local backend is turned off (localEnabled: false");
    assertThatThrownBy(() -> new TestServer(home, Map.of(), "local"))
        .hasMessageContaining("backend 'local' is configured, but the local backend is turned off");
  }

  private static Answer mcpInitialize(TestServer berth, String token) throws Exception {
    String body =
        """
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion":\
         "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}""";
    try (var http = new RawHttpConnection(berth.url())) {
      http.head(
          "POST",
          "/mcp",
          "Authorization: Bearer " + token,
          "Content-Type: application/json",
          "Accept: application/json, text/event-stream",
          "Content-Length: " + body.getBytes(UTF_8).length);
      http.send(body.getBytes(UTF_8));
      return http.read();
    }
  }
}
