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
 * An app that exits before it is ready (local backend): the reason the user reads first, in the
 * create's answer and in the session, carries the app's last output, not only its exit code.
 */
class AppExitReasonLocalTest {
  @TempDir Path home;

  @Test
  void anAppThatPrintsAndExitsBeforeItIsReadyShowsItsOutputInTheReason() throws IOException {
    Path dir = Files.createDirectories(home.resolve("templates").resolve("boom"));
    Files.writeString(
        dir.resolve("template.yaml"),
        """
        shell: echo starting; echo boom >&2; exit 3
        ports: [8000]
        probe: {tcp: 8000, startTimeout: 20s}
        """);
    try (var berth = new TestServer(home)) {
      Response created =
          berth.admin("POST", "/api/v1/sessions", "{\"id\": \"b1\", \"template\": \"boom\"}");
      assertThat(created.text()).as(created.toString()).contains("boom");
      String reason =
          berth.admin("GET", "/api/v1/sessions/b1", null).json().get("statusReason").asString();
      assertThat(reason)
          .contains("the app exited with code 3 before it was ready")
          .contains("its last output:")
          .contains("starting")
          .contains("boom");
      berth.admin("DELETE", "/api/v1/sessions/b1", null);
    }
  }
}
