package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input is a 400 that says what to fix, and changes nothing: bodies with the wrong JSON types
 * or duplicate keys (once coerced or merged: {@code {"id": 123}} made session "123"), query flags
 * other than true/false (once {@code ?dryRun=maybe} ran a real collection), and paths too long for
 * any backend (once a 502 carrying the host path).
 */
class StrictRequestsTest {
  @TempDir Path home;
  private TestServer berth;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"strict\"}").status())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  private void assertBadRequest(Response r, String... mentions) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("bad_request");
    assertThat(r.json().at("/error/message").asString()).contains(mentions);
  }

  private void assertOnlyTheFirstSessionExists() {
    assertThat(berth.admin("GET", "/api/v1/sessions", null).json().findValuesAsString("id"))
        .containsExactly("strict");
  }

  @Test
  void aCreateBodyThatIsNotAnObjectIsRefused() {
    assertBadRequest(berth.admin("POST", "/api/v1/sessions", "null"), "JSON object", "null");
    assertBadRequest(berth.admin("POST", "/api/v1/sessions", "[]"), "JSON object", "array");
    assertBadRequest(berth.admin("POST", "/api/v1/sessions", "\"x\""), "JSON object");
    assertBadRequest(berth.admin("POST", "/api/v1/sessions", "{} {}"), "not valid JSON");
    assertOnlyTheFirstSessionExists();
  }

  @Test
  void wrongTypesInACreateAreRefusedWithTheFieldNamed() {
    assertBadRequest(berth.admin("POST", "/api/v1/sessions", "{\"id\": 123}"), "'id'", "string");
    assertBadRequest(
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"l\", \"labels\": {\"a\": 1}}"),
        "'labels.a'",
        "string");
    assertBadRequest(
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"t\", \"template\": true}"),
        "'template'");
    assertBadRequest(
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"i\", \"idleTimeout\": 60}"),
        "'idleTimeout'");
    assertOnlyTheFirstSessionExists();
  }

  @Test
  void duplicateKeysAreRefusedNotMerged() {
    assertBadRequest(
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"dup1\", \"id\": \"dup2\"}"),
        "Duplicate",
        "\"id\"");
    assertBadRequest(
        berth.admin(
            "POST",
            "/api/v1/sessions/strict/exec",
            "{\"command\": [\"true\"], \"command\": \"rm -rf .\"}"),
        "Duplicate");
    assertOnlyTheFirstSessionExists();
  }

  @Test
  void wrongTypesInAnExecAreRefusedWithTheFieldNamed() {
    String exec = "/api/v1/sessions/strict/exec";
    assertBadRequest(berth.admin("POST", exec, "{\"command\": [1, 2]}"), "'command'", "strings");
    assertBadRequest(
        berth.admin("POST", exec, "{\"command\": [\"cat\"], \"stdin\": 5}"), "'stdin'", "string");
    assertBadRequest(
        berth.admin("POST", exec, "{\"command\": [\"env\"], \"env\": {\"A\": false}}"), "'env.A'");
    assertBadRequest(
        berth.admin("POST", exec, "{\"command\": [\"pwd\"], \"cwd\": [\"x\"]}"), "'cwd'");
  }

  @Test
  void otherBodiesAreJustAsStrict() {
    assertBadRequest(berth.call("POST", "/api/v1/login", null, "{\"token\": 5}"), "'token'");
    assertBadRequest(berth.call("POST", "/api/v1/login", null, "null"), "JSON object");
    assertBadRequest(
        berth.admin("POST", "/api/v1/sessions/strict/mkdir", "{\"path\": 7}"), "'path'");
    assertBadRequest(
        berth.admin("POST", "/api/v1/sessions/strict/move", "{\"from\": \"a\", \"to\": null}"),
        "'to' is required");
    assertThat(berth.admin("GET", "/api/v1/sessions/strict/files/7", null).status()).isEqualTo(404);
  }

  @Test
  void aGcFlagOtherThanTrueOrFalseIsRefused() {
    assertBadRequest(berth.admin("POST", "/api/v1/gc?dryRun=maybe", null), "'dryRun'", "maybe");
    assertBadRequest(berth.admin("POST", "/api/v1/gc?dryRun=1", null), "'dryRun'");
    Response dry = berth.admin("POST", "/api/v1/gc?dryRun=true", null);
    assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
    assertThat(dry.json().get("dryRun").asBoolean()).isTrue();
  }

  @Test
  void fileFlagsOtherThanTrueOrFalseAreRefusedAndDeleteNothing() {
    assertThat(berth.admin("PUT", "/api/v1/sessions/strict/files/d/f.txt", "x").status())
        .isEqualTo(201);
    assertBadRequest(
        berth.admin("DELETE", "/api/v1/sessions/strict/files/d?recursive=yes", null),
        "'recursive'");
    assertBadRequest(
        berth.admin("GET", "/api/v1/sessions/strict/files/d/f.txt?stat=maybe", null), "'stat'");
    assertThat(berth.admin("GET", "/api/v1/sessions/strict/files/d/f.txt", null).text())
        .isEqualTo("x");
    assertThat(berth.admin("GET", "/api/v1/sessions/strict/files/d?stat", null).text())
        .contains("\"type\":\"DIRECTORY\"");
  }

  @Test
  void pathsTooLongForAnyBackendAre400sNamingTheLimitAndNoHostPath() {
    String name = "n".repeat(256);
    String deep = ("d".repeat(200) + "/").repeat(11) + "f";
    for (Response r :
        new Response[] {
          berth.admin("PUT", "/api/v1/sessions/strict/files/" + name, "x"),
          berth.admin("GET", "/api/v1/sessions/strict/files/" + name, null),
          berth.admin("POST", "/api/v1/sessions/strict/mkdir", "{\"path\": \"" + name + "\"}"),
          berth.admin("PUT", "/api/v1/sessions/strict/files/" + deep, "x"),
          berth.admin(
              "POST",
              "/api/v1/sessions/strict/exec",
              "{\"command\": [\"pwd\"], \"cwd\": \"" + name + "\"}"),
        }) {
      assertBadRequest(r, "is too long", "255 bytes per name", "2048 bytes for the whole path");
      assertThat(r.text()).doesNotContain(home.toString());
    }
    // At the limit it works.
    String longest = "m".repeat(255);
    Response ok = berth.admin("PUT", "/api/v1/sessions/strict/files/" + longest, "x");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
  }
}
