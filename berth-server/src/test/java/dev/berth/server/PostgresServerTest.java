package dev.berth.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.registry.LocalPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Berth server whose registry is a real PostgreSQL (configured by {@code BERTH_REGISTRY}): it
 * starts, serves the tour, and a second server on the same database sees the same sessions.
 */
class PostgresServerTest {
  @TempDir Path home;

  @Test
  void theRegistryLivesInPostgres() {
    String url = LocalPostgres.get().newDatabase();
    Map<String, String> env = Map.of("BERTH_REGISTRY", url);
    String token;
    var berth = new TestServer(home, env);
    try {
      assertThat(berth.startupOutput).contains("registry: postgresql jdbc:postgresql://");
      var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"pg\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      token = created.json().get("token").asString();
      berth.call("PUT", "/api/v1/sessions/pg/files/a.txt", token, "kept".getBytes(UTF_8));
    } finally {
      berth.server.close(); // not berth.close(): that deletes the sessions
    }
    assertThat(home.resolve("berth.db")).as("no SQLite file next to it").doesNotExist();
    try (var again = new TestServer(home, env)) {
      var shown = again.call("GET", "/api/v1/sessions/pg", token, null);
      assertThat(shown.status()).as(shown.toString()).isEqualTo(200);
      assertThat(again.call("GET", "/api/v1/sessions/pg/files/a.txt", token, null).text())
          .isEqualTo("kept");
      assertThat(again.admin("DELETE", "/api/v1/sessions/pg", null).status()).isEqualTo(200);
    }
  }
}
