package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's web template, taken from the README itself, runs as written on the local backend and
 * answers through the proxy.
 */
class ReadmeWebTemplateLocalTest {
  @TempDir Path home;

  static String readmeWebTemplate() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String marker = "# ~/.berth/templates/web/template.yaml\n";
    int start = readme.indexOf(marker);
    assertThat(start).as("the README's web template").isNotNegative();
    int end = readme.indexOf("```", start);
    return readme.substring(start + marker.length(), end);
  }

  @Test
  void theReadmeWebTemplateRunsAndAnswersThroughTheProxy() throws IOException {
    Path busybox = Path.of("/bin/busybox");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(busybox), "needs the host's busybox (Debian: busybox-static)");
    Path dir = Files.createDirectories(home.resolve("templates").resolve("web"));
    Files.writeString(dir.resolve("template.yaml"), readmeWebTemplate());
    try (var berth = new TestServer(home)) {
      Response created =
          berth.admin("POST", "/api/v1/sessions", "{\"id\": \"web1\", \"template\": \"web\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(created.json().at("/session/status").asString())
          .as(created.toString())
          .isEqualTo("RUNNING");
      var names = new java.util.ArrayList<String>();
      berth
          .admin("GET", "/api/v1/sessions/web1", null)
          .json()
          .get("resources")
          .propertyNames()
          .forEach(names::add);
      assertThat(names)
          .as("session show's resource rows, in one order")
          .hasSizeGreaterThan(1)
          .isSorted();
      Response page = berth.admin("GET", "/s/web1/", null);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      assertThat(page.text()).isEqualTo("hello\n");
      berth.admin("DELETE", "/api/v1/sessions/web1", null);
    }
  }
}
