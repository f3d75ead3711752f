package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * session_preview_link over the wire on the local backend (the official Java SDK's client over
 * Streamable HTTP): the link it gives, followed by a browser-like client with a cookie jar, logs in
 * and reaches the session's app; an undeclared port, which on local would be a port of this
 * machine, is refused by the proxy saying why.
 */
class McpPreviewLinkTest {
  @TempDir Path home;
  private ProxyFixture f;
  private McpSyncClient agent;

  @BeforeEach
  void start() {
    f = new ProxyFixture(home);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.closeGracefully();
    }
    f.close();
  }

  private static McpSyncClient connect(String url, String token) {
    var transport =
        HttpClientStreamableHttpTransport.builder(url)
            .endpoint("/mcp")
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) ->
                    builder.header("Authorization", "Bearer " + token))
            .build();
    var client =
        McpClient.sync(transport)
            .clientInfo(Implementation.builder("berth-test", "1").build())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }

  private JsonNode link(Map<String, Object> args) {
    CallToolResult r =
        agent.callTool(CallToolRequest.builder("session_preview_link").arguments(args).build());
    String text = ((TextContent) r.content().get(0)).text();
    assertThat(r.isError()).as(text).isFalse();
    return ProxyFixture.JSON.readTree(text);
  }

  /** A browser: follows redirects, keeps cookies. */
  private static HttpClient browser() {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  private static HttpResponse<String> open(HttpClient browser, String url) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSessionTokensLinkLogsABrowserInToTheAppsDeclaredPorts() throws Exception {
    String token = f.create("prev", "testapp");
    agent = connect(f.berth.url(), token);

    JsonNode primary = link(Map.of());
    assertThat(primary.get("port").asInt()).isEqualTo(8080);
    assertThat(primary.get("declared").asBoolean()).isTrue();
    assertThat(primary.get("path").asString()).isEqualTo("/s/prev/");
    String url = primary.get("url").asString();
    assertThat(url).startsWith(f.berth.url() + "/s/prev/?token=berth_l_");
    HttpClient browser = browser();
    HttpResponse<String> page = open(browser, url);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.uri().getQuery()).as("the login code is gone from the address").isNull();
    assertThat(page.body()).contains("prev"); // the app's page names its session
    // The link works once: a second browser is not let in with it.
    HttpResponse<String> again = open(browser(), url);
    assertThat(again.statusCode()).isEqualTo(401);

    // The template's second port, through its own prefix, with a link of its own.
    JsonNode second = link(Map.of("port", 9090));
    assertThat(second.get("path").asString()).isEqualTo("/s/prev/port/9090/");
    HttpResponse<String> other = open(browser(), second.get("url").asString());
    assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
    assertThat(other.body()).isEqualTo("second port saw /");
  }

  @Test
  void anUndeclaredPortOnLocalGetsALinkButTheProxyRefusesItSayingWhy() throws Exception {
    String token = f.create("undecl", "testapp");
    agent = connect(f.berth.url(), token);
    JsonNode link = link(Map.of("port", 5000));
    assertThat(link.get("declared").asBoolean()).isFalse();
    assertThat(link.get("note").asString()).contains("not declared");
    HttpResponse<String> r = open(browser(), link.get("url").asString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("Port 5000 is not declared", "another session");
  }
}
