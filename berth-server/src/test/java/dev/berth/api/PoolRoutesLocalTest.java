package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Warm pools through the REST API on a real server (local backend): {@code GET /api/v1/pools}, a
 * create that answers {@code "pooled": true} with the member's handle, the pool's metrics, and a
 * session token kept out of the pools.
 */
class PoolRoutesLocalTest {
  @TempDir Path home;

  @Test
  void aCreateTakesAMemberAndThePoolsAndMetricsSaySo() throws Exception {
    Path dir = Files.createDirectories(home.resolve("templates/web"));
    Files.writeString(
        dir.resolve("template.yaml"),
        """
        shell: exec python3 -m http.server --bind 127.0.0.1 "$PORT"
        ports: [8000]
        probe: {http: /, port: 8000, startTimeout: 30s}
        pool: {size: 1}
        """);
    try (var berth = new TestServer(home)) {
      Awaitility.await("the pool fills")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  berth.admin("GET", "/api/v1/pools", null).json().get(0).get("ready").asInt()
                      == 1);
      JsonNode pool = berth.admin("GET", "/api/v1/pools", null).json().get(0);
      assertThat(pool.get("template").asString()).isEqualTo("web");
      assertThat(pool.get("backend").asString()).isEqualTo("local");
      assertThat(pool.get("size").asInt()).isEqualTo(1);
      String member = pool.get("members").get(0).get("handle").asString();
      assertThat(member).startsWith("p-");
      assertThat(berth.admin("GET", "/api/v1/sessions", null).json())
          .as("members are not sessions")
          .isEmpty();

      var created =
          berth.admin("POST", "/api/v1/sessions", "{\"id\": \"fast\", \"template\": \"web\"}");
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      assertThat(created.json().get("pooled").asBoolean()).isTrue();
      JsonNode session = created.json().get("session");
      assertThat(session.get("status").asString()).isEqualTo("RUNNING");
      assertThat(session.get("handle").asString()).isEqualTo(member);
      assertThat(session.get("id").asString()).isEqualTo("fast");
      String token = created.json().get("token").asString();

      var refused = berth.call("GET", "/api/v1/pools", token, null);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(berth.call("GET", "/api/v1/sessions/fast", token, null).status()).isEqualTo(200);

      JsonNode after = berth.admin("GET", "/api/v1/pools", null).json().get(0);
      assertThat(after.get("hits").asInt()).isEqualTo(1);
      assertThat(after.get("misses").asInt()).isZero();
      String metrics = berth.admin("GET", "/metrics", null).text();
      assertThat(metrics)
          .contains(
              "berth_pool_claims_total{backend=\"local\",result=\"hit\",template=\"web\"} 1.0")
          .contains("berth_pool_size{backend=\"local\",template=\"web\"} 1.0")
          .containsPattern(
              "berth_pool_members\\{backend=\"local\",state=\"ready\",template=\"web\"\\} [01]\\.0");

      // A pipeline executor's create takes a member too, once the pool has one again.
      Awaitility.await("the pool refills")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  berth.admin("GET", "/api/v1/pools", null).json().get(0).get("ready").asInt()
                      == 1);
      var run = berth.admin("POST", "/executor/run-1", "{\"template\": \"web\"}");
      assertThat(run.status()).as(run.text()).isEqualTo(201);
      assertThat(run.json().get("pooled").asBoolean()).isTrue();
      assertThat(run.json().get("session").get("handle").asString()).startsWith("p-");
      assertThat(berth.admin("DELETE", "/executor/run-1", null).status()).isEqualTo(200);

      var reused = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"" + member + "\"}");
      assertThat(reused.status())
          .as("an id that names a pooled session's resources")
          .isEqualTo(409);
      assertThat(berth.admin("DELETE", "/api/v1/sessions/fast", null).status()).isEqualTo(200);
      assertThat(home.resolve("sessions").resolve(member)).doesNotExist();
    }
  }
}
