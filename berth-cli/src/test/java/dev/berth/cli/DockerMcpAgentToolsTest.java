package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.mcp.McpAgentToolsTest;
import dev.berth.server.TestServer;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent tool tests again, with sessions on a real Docker engine. */
class DockerMcpAgentToolsTest extends McpAgentToolsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private String prefix;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @Override
  protected TestServer newServer(Map<String, String> env) throws Exception {
    prefix = "bagt" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Map<String, String> all = new HashMap<>(env);
    all.put("BERTH_PREFIX", prefix);
    // An app on a declared port, for session_preview_link's undeclared-port test.
    Path web = Files.createDirectories(home.resolve("templates/web"));
    Files.writeString(
        web.resolve("template.yaml"),
        """
        description: busybox httpd on 8080
        command: [/bin/busybox, httpd, -f, -p, "8080", -h, /workspace]
        ports: [8080]
        probe: {http: /, port: 8080, startTimeout: 30s}
        """);
    return new TestServer(home, all, "docker");
  }

  /**
   * A dev server the agent starts on a port the template did not declare is reached through the
   * link session_preview_link gives: the proxy goes to that port of the session's container, at the
   * container's own address (a local engine's containers are reached there).
   */
  @Test
  void anUndeclaredPortOfTheContainerOpensThroughThePreviewLink() throws Exception {
    McpSyncClient admin = client(berth.adminToken);
    String created = okCall(admin, "session_create", Map.of("id", "dev", "template", "web"));
    String token = TestServer.JSON.readTree(created).get("token").asString();
    McpSyncClient agent = client(token);
    okCall(agent, "session_write_file", Map.of("path", "index.html", "content", "primary\n"));
    okCall(
        agent,
        "session_write_file",
        Map.of("path", "dev/index.html", "content", "the dev server's page\n"));
    okCall(
        agent,
        "session_exec",
        Map.of("command", "/bin/busybox httpd -f -p 5000 -h /workspace/dev", "background", true));
    var link =
        TestServer.JSON.readTree(okCall(agent, "session_preview_link", Map.of("port", 5000)));
    assertThat(link.get("declared").asBoolean()).isFalse();
    assertThat(link.get("path").asString()).isEqualTo("/s/dev/port/5000/");
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpRequest open = HttpRequest.newBuilder(URI.create(link.get("url").asString())).build();
    // The background httpd may take a moment to listen: the proxy answers 502 until it does.
    HttpResponse<String> first = browser.send(open, HttpResponse.BodyHandlers.ofString());
    assertThat(first.uri().getQuery()).as("logged in, the code gone").isNull();
    HttpRequest again = HttpRequest.newBuilder(first.uri()).build();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = browser.send(again, HttpResponse.BodyHandlers.ofString());
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              assertThat(r.body()).isEqualTo("the dev server's page\n");
            });
    // The declared app is still the primary one.
    HttpResponse<String> primary =
        browser.send(
            HttpRequest.newBuilder(URI.create(berth.url() + "/s/dev/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(primary.statusCode()).as(primary.body()).isEqualTo(200);
    assertThat(primary.body()).isEqualTo("primary\n");
  }

  /** 3 each here: every read and write goes through the engine; local runs the full 100. */
  @Override
  protected int appendsEach() {
    return 3;
  }

  @Override
  protected void afterServerClosed() throws Exception {
    String script =
        "docker rm -f $(docker ps -aq --filter name="
            + prefix
            + "-) 2>/dev/null; "
            + "docker volume rm $(docker volume ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; "
            + "docker network rm "
            + prefix
            + "-net 2>/dev/null; "
            + "docker rmi "
            + prefix
            + "/default:latest 2>/dev/null; true";
    new ProcessBuilder("sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }
}
