package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a browser or a script meets at the edge: a wrong method, the favicon. */
class HttpEdgesTest {
  @TempDir static Path home;
  static TestServer berth;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    berth = new TestServer(home);
  }

  @AfterAll
  static void stop() {
    berth.close();
  }

  private static HttpResponse<String> send(String method, String path, String token)
      throws Exception {
    var b = HttpRequest.newBuilder(URI.create(berth.url() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(
        b.method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aMethodAPathDoesNotTakeIs405WithAllowNot404() throws Exception {
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"p1\"}").status()).isEqualTo(201);

    HttpResponse<String> patch = send("PATCH", "/api/v1/sessions/p1", berth.adminToken);

    assertThat(patch.statusCode()).as(patch.body()).isEqualTo(405);
    assertThat(patch.headers().firstValue("Allow").orElse(""))
        .as(patch.headers().map().toString())
        .contains("GET")
        .contains("DELETE")
        .doesNotContain("PATCH");
    assertThat(patch.body())
        .contains("\"code\":\"method_not_allowed\"")
        .contains("PATCH is not allowed on /api/v1/sessions/p1");
    assertThat(send("PATCH", "/api/v1/nosuch", berth.adminToken).statusCode())
        .as("an unknown path stays a 404")
        .isEqualTo(404);
  }

  @Test
  void theFaviconNeedsNoTokenAndIsAnImage() throws Exception {
    HttpResponse<String> icon = send("GET", "/favicon.ico", null);

    assertThat(icon.statusCode()).isEqualTo(200);
    assertThat(icon.headers().firstValue("Content-Type").orElse("")).startsWith("image/");
    assertThat(icon.body()).startsWith("<svg");
  }
}
