package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A deleted session's id taken again, on a real server: the new session's trail starts with its own
 * create, and the deleted one's trail (its cleanup receipt, its log tail) stays readable by the
 * admin under its incarnation, never by the new session's token.
 */
class SessionIncarnationTest {
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

  private String create(String body) {
    Response r = berth.admin("POST", "/api/v1/sessions", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("token").asString();
  }

  private static List<String> types(JsonNode events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.get("type").asString()));
    return out;
  }

  @Test
  void aNewSessionOnADeletedSessionsIdStartsWithItsOwnCreate() {
    create("{\"id\": \"reused\", \"labels\": {\"run\": \"first\"}}");
    assertThat(berth.admin("DELETE", "/api/v1/sessions/reused", null).status()).isEqualTo(200);
    JsonNode firstTrail = berth.admin("GET", "/api/v1/sessions/reused/events", null).json();
    assertThat(types(firstTrail)).contains("deleting", "cleanup");

    String token = create("{\"id\": \"reused\", \"labels\": {\"run\": \"second\"}}");
    Response own = berth.call("GET", "/api/v1/sessions/reused/events", token, null);
    assertThat(own.status()).as(own.toString()).isEqualTo(200);
    JsonNode trail = own.json();
    assertThat(trail.get(0).get("message").asString()).startsWith("created from template");
    assertThat(types(trail)).doesNotContain("deleting", "cleanup");
    trail.forEach(e -> assertThat(e.get("incarnation").asInt()).isEqualTo(2));
    assertThat(berth.admin("GET", "/api/v1/sessions/reused/events", null).json())
        .as("the admin's default read: the current session's trail too")
        .isEqualTo(trail);

    // The first session's trail, receipt included, under its incarnation: the admin's only.
    Response earlier = berth.admin("GET", "/api/v1/sessions/reused/events?incarnation=1", null);
    assertThat(earlier.status()).as(earlier.toString()).isEqualTo(200);
    assertThat(earlier.json()).isEqualTo(firstTrail);
    JsonNode receipt = earlier.json().get(types(earlier.json()).indexOf("cleanup"));
    assertThat(receipt.get("data").isObject())
        .as("data is JSON, as on the event stream: " + receipt)
        .isTrue();
    assertThat(receipt.at("/data/complete").asBoolean()).isTrue();
    assertThat(receipt.get("incarnation").asInt()).isEqualTo(1);
    Response refused =
        berth.call("GET", "/api/v1/sessions/reused/events?incarnation=1", token, null);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("forbidden");
    assertThat(
            berth.call("GET", "/api/v1/sessions/reused/events?incarnation=2", token, null).json())
        .isEqualTo(trail);

    Response beyond = berth.admin("GET", "/api/v1/sessions/reused/events?incarnation=3", null);
    assertThat(beyond.status()).isEqualTo(404);
    assertThat(beyond.text()).contains("has 1 to 2");
    assertThat(berth.admin("GET", "/api/v1/sessions/reused/events?incarnation=0", null).status())
        .isEqualTo(400);
    assertThat(berth.admin("GET", "/api/v1/sessions/ghost/events?incarnation=1", null).status())
        .isEqualTo(404);
  }
}
