package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.mcp.BerthMcp;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tools.McpTools;
import dev.berth.server.TestServer;
import dev.berth.service.files.FileVersion;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `berth mcp` as a desktop agent runs it: a child process spoken to over stdio. */
class McpStdioTest {
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

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private Map<String, String> env(String token) {
    return Map.of("BERTH_URL", berth.url(), "BERTH_TOKEN", token, "BERTH_HOME", home.toString());
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @Test
  void theStdioBridgeServesTheServersToolsWithTheGivenToken() {
    var params =
        ServerParameters.builder(java())
            .args("-cp", System.getProperty("java.class.path"), BerthCli.class.getName(), "mcp")
            .env(env(berth.adminToken))
            .build();
    var transport = new StdioClientTransport(params, BerthMcp.JSON);
    transport.setStdErrorHandler(line -> {});
    try (McpSyncClient client =
        McpClient.sync(transport)
            .clientInfo(Implementation.builder("stdio-test", "1").build())
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(60))
            .build()) {
      client.initialize();
      assertThat(client.listTools().tools())
          .extracting(Tool::name)
          .as("the bridge serves exactly the server's tools")
          .containsExactlyElementsOf(
              McpTools.all(berth.server.sessions()).stream().map(ToolDefinition::name).toList());

      CallToolResult created =
          client.callTool(
              CallToolRequest.builder("session_create").arguments(Map.of("id", "desk")).build());
      assertThat(created.isError()).as(text(created)).isFalse();
      client.callTool(
          CallToolRequest.builder("session_write_file")
              .arguments(Map.of("session_id", "desk", "path", "a.txt", "content", "via stdio"))
              .build());
      CallToolResult read =
          client.callTool(
              CallToolRequest.builder("session_read_file")
                  .arguments(Map.of("session_id", "desk", "path", "a.txt"))
                  .build());
      assertThat(text(read))
          .isEqualTo(
              "     1\tvia stdio\n\n[version: "
                  + FileVersion.of("via stdio".getBytes(StandardCharsets.UTF_8))
                  + "]");
      CallToolResult missing =
          client.callTool(
              CallToolRequest.builder("session_info")
                  .arguments(Map.of("session_id", "nope"))
                  .build());
      assertThat(missing.isError()).isTrue();
      assertThat(text(missing)).contains("no session 'nope'");
    }
    assertThat(berth.admin("GET", "/api/v1/sessions/desk", null).status())
        .as("the session lives in the one server, not in the bridge")
        .isEqualTo(200);
  }

  @Test
  void itExitsCleanlyWhenStandardInputCloses() throws Exception {
    var pb =
        new ProcessBuilder(
            java(), "-cp", System.getProperty("java.class.path"), BerthCli.class.getName(), "mcp");
    pb.environment().putAll(env(berth.adminToken));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process bridge = pb.start();
    bridge.getOutputStream().close();
    assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
    assertThat(bridge.exitValue()).isZero();
    assertThat(new String(bridge.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .as("nothing but protocol on stdout")
        .isEmpty();
  }

  @Test
  void aBadTokenStopsTheBridgeWithAClearMessage() throws Exception {
    var pb =
        new ProcessBuilder(
            java(), "-cp", System.getProperty("java.class.path"), BerthCli.class.getName(), "mcp");
    pb.environment().putAll(env("berth_admin_forged"));
    Process bridge = pb.start();
    bridge.getOutputStream().close();
    assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bridge.exitValue()).isEqualTo(1);
    assertThat(new String(bridge.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("berth: Berth's MCP endpoint")
        .as("the server's reason, not the SDK's \"Authorization error\"")
        .contains("token")
        .doesNotContain("Authorization error when sending message");
  }
}
