package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container routes for a local session of a template without {@code containers:}: the session
 * is its one container, {@code session}; there is nothing else to start, stop, read or exec in, and
 * a session's token reaches its own session's containers only.
 */
class ContainerRoutesLocalTest {
  @TempDir Path home;

  @Test
  void aLocalSessionHasOneContainerNamedSession() {
    try (var berth = new TestServer(home)) {
      Response created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"solo\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String token = created.json().get("token").asString();
      berth.admin("POST", "/api/v1/sessions", "{\"id\": \"other\"}");

      Response listed = berth.call("GET", "/api/v1/sessions/solo/containers", token, null);
      assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
      assertThat(listed.json()).hasSize(1);
      assertThat(listed.json().get(0).get("type").asString()).isEqualTo("session");
      assertThat(listed.json().get(0).get("state").asString()).isEqualTo("running");
      // Another session's token is told nothing of it, as on its other routes.
      assertThat(berth.call("GET", "/api/v1/sessions/other/containers", token, null).status())
          .isEqualTo(404);

      Response unknown = berth.admin("POST", "/api/v1/sessions/solo/containers/plugin/start", null);
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.text()).contains("no container 'plugin'; its containers: session");
      Response main = berth.admin("POST", "/api/v1/sessions/solo/containers/session/stop", null);
      assertThat(main.status()).isEqualTo(400);
      assertThat(main.text()).contains("the session's own start or stop");
      assertThat(
              berth
                  .call("POST", "/api/v1/sessions/solo/containers/plugin/start", token, null)
                  .status())
          .as("starting one container alone is the admin's")
          .isEqualTo(403);

      Response exec =
          berth.call(
              "POST",
              "/api/v1/sessions/solo/exec",
              token,
              "{\"command\": \"echo hi\", \"container\": \"session\"}");
      assertThat(exec.json().get("stdout").asString()).isEqualTo("hi\n");
      Response elsewhere =
          berth.call(
              "POST",
              "/api/v1/sessions/solo/exec",
              token,
              "{\"command\": \"echo hi\", \"container\": \"plugin\"}");
      assertThat(elsewhere.status()).isEqualTo(404);
      assertThat(
              berth
                  .call("GET", "/api/v1/sessions/solo/logs?container=plugin", token, null)
                  .status())
          .isEqualTo(404);
    }
  }
}
