package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path too long for the engine is a 400 naming the limit, on a real Docker engine: it was a 502
 * "Docker could not stat '/workspace/...' in <container id>: HTTP 500". Fails (never skips) when CI
 * is set and no engine answers.
 */
class DockerLongPathsTest {
  @TempDir Path home;
  private TestServer berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void start() {
    String prefix = "blong" + Integer.toString(new SecureRandom().nextInt(1 << 20), 36);
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
    Response created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"long\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    berth.close(); // deletes the session: its container and volume
  }

  @Test
  void overLongPathsAre400sWithoutContainerIds() {
    String name = "n".repeat(300);
    for (Response r :
        new Response[] {
          berth.admin("PUT", "/api/v1/sessions/long/files/" + name, "x"),
          berth.admin("GET", "/api/v1/sessions/long/files/" + name, null),
          berth.admin("POST", "/api/v1/sessions/long/mkdir", "{\"path\": \"" + name + "/x\"}"),
          berth.admin("DELETE", "/api/v1/sessions/long/files/" + name, null),
          berth.admin("GET", "/api/v1/sessions/long/archive?path=" + name, null),
          berth.admin(
              "POST",
              "/api/v1/sessions/long/exec",
              "{\"command\": [\"pwd\"], \"cwd\": \"" + name + "\"}"),
        }) {
      assertThat(r.status()).as(r.toString()).isEqualTo(400);
      assertThat(r.text())
          .contains("is too long", "255 bytes per name")
          .doesNotContain("Docker")
          .doesNotContain("HTTP 500");
    }
    Response ok = berth.admin("PUT", "/api/v1/sessions/long/files/" + "m".repeat(255), "x");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
  }
}
