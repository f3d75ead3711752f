package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * POST /api/v1/sessions/{id}/token on a real server: a client that lost a session's token (its
 * create was interrupted) gets a new one, and the old one stops working at once.
 */
class TokenRotationTest {
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

  private String create(String id) {
    Response r = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"" + id + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("token").asString();
  }

  private String rotate(String id, String token) {
    Response r = berth.call("POST", "/api/v1/sessions/" + id + "/token", token, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().get("session").asString()).isEqualTo(id);
    String fresh = r.json().get("token").asString();
    assertThat(fresh).startsWith("berth_s_");
    return fresh;
  }

  private int show(String id, String token) {
    return berth.call("GET", "/api/v1/sessions/" + id, token, null).status();
  }

  @Test
  void theAdminGetsANewTokenAndTheOldOneIsRefusedAtOnce() {
    String old = create("lost");
    String fresh = rotate("lost", berth.adminToken);
    assertThat(fresh).isNotEqualTo(old);

    Response refused = berth.call("GET", "/api/v1/sessions/lost", old, null);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
    assertThat(refused.errorCode()).isEqualTo("unauthorized");
    assertThat(show("lost", fresh)).isEqualTo(200);
    Response exec =
        berth.call("POST", "/api/v1/sessions/lost/exec", fresh, "{\"command\": \"echo hi\"}");
    assertThat(exec.json().get("stdout").asString()).isEqualTo("hi\n");
    // The dashboard's login takes tokens too.
    assertThat(berth.call("POST", "/api/v1/login", null, "{\"token\": \"" + old + "\"}").status())
        .isEqualTo(401);
    assertThat(berth.call("POST", "/api/v1/login", null, "{\"token\": \"" + fresh + "\"}").status())
        .isEqualTo(200);

    JsonNode events = berth.admin("GET", "/api/v1/sessions/lost/events", null).json();
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("type").asString()).isEqualTo("token");
    assertThat(last.get("message").asString()).startsWith("token rotated by the admin");
    assertThat(events.toString()).doesNotContain(fresh).doesNotContain(old);
  }

  @Test
  void aSessionTokenRotatesItselfButNoOtherSession() {
    String mine = create("mine");
    String theirs = create("theirs");

    Response other = berth.call("POST", "/api/v1/sessions/theirs/token", mine, null);
    assertThat(other.status()).as(other.toString()).isEqualTo(403);
    assertThat(other.errorCode()).isEqualTo("forbidden");
    assertThat(other.text()).contains("admin token");
    // The same answer for a session that does not exist: nothing is learnt about other ids.
    assertThat(berth.call("POST", "/api/v1/sessions/nosuch/token", mine, null).status())
        .isEqualTo(403);
    assertThat(show("theirs", theirs)).as("the other session's token still works").isEqualTo(200);

    String renewed = rotate("mine", mine);
    assertThat(show("mine", mine)).isEqualTo(401);
    assertThat(show("mine", renewed)).isEqualTo(200);
    JsonNode events = berth.call("GET", "/api/v1/sessions/mine/events", renewed, null).json();
    assertThat(events.get(events.size() - 1).get("message").asString())
        .startsWith("token rotated by the session's token");
  }

  @Test
  void unknownAndDeletedSessionsGetNoToken() {
    Response unknown = berth.admin("POST", "/api/v1/sessions/ghost/token", null);
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("not_found");

    create("gone");
    assertThat(berth.admin("DELETE", "/api/v1/sessions/gone", null).status()).isEqualTo(200);
    assertThat(berth.admin("POST", "/api/v1/sessions/gone/token", null).status()).isEqualTo(404);
    assertThat(berth.admin("POST", "/api/v1/sessions/Bad_Id/token", null).status()).isEqualTo(400);
    assertThat(berth.call("POST", "/api/v1/sessions/gone/token", null, null).status())
        .isEqualTo(401);
  }
}
