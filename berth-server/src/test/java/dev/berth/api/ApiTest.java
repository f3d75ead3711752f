package dev.berth.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ApiTest {
  @TempDir Path home;
  private TestServer berth;

  @BeforeEach
  void start() {
    berth = new TestServer(home, Map.of("BERTH_MAX_FILE_BYTES", "64k"));
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  private JsonNode create(String body) {
    Response r = berth.admin("POST", "/api/v1/sessions", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void theTourWorksEndToEnd() {
    JsonNode created = create("{\"id\": \"tour\"}");
    assertThat(created.at("/session/status").asString()).isEqualTo("RUNNING");
    assertThat(created.at("/session/template").asString()).isEqualTo("default");
    String token = created.get("token").asString();

    Response put =
        berth.call(
            "PUT",
            "/api/v1/sessions/tour/files/notes/hello.txt",
            token,
            "hi there".getBytes(UTF_8));
    assertThat(put.status()).as(put.toString()).isEqualTo(201);
    assertThat(put.json().get("size").asLong()).isEqualTo(8);

    Response get = berth.call("GET", "/api/v1/sessions/tour/files/notes/hello.txt", token, null);
    assertThat(get.text()).isEqualTo("hi there");
    assertThat(get.contentType()).startsWith("application/octet-stream");

    Response list = berth.call("GET", "/api/v1/sessions/tour/files/notes", token, null);
    assertThat(list.json().get(0).get("path").asString()).isEqualTo("notes/hello.txt");

    Response exec =
        berth.call(
            "POST",
            "/api/v1/sessions/tour/exec",
            token,
            "{\"command\": \"cat notes/hello.txt; exit 3\"}");
    assertThat(exec.json().get("exitCode").asInt()).isEqualTo(3);
    assertThat(exec.json().get("stdout").asString()).isEqualTo("hi there");

    Response argv =
        berth.call(
            "POST",
            "/api/v1/sessions/tour/exec",
            token,
            "{\"command\": [\"ls\", \"notes\"], \"cwd\": \".\"}");
    assertThat(argv.json().get("stdout").asString()).isEqualTo("hello.txt\n");

    Response events = berth.call("GET", "/api/v1/sessions/tour/events", token, null);
    assertThat(events.status()).as(events.toString()).isEqualTo(200);
    assertThat(events.json().get(0).get("message").asString()).contains("created");
    assertThat(berth.call("GET", "/api/v1/sessions/tour/events?limit=0", token, null).status())
        .isEqualTo(400);
    assertThat(berth.call("GET", "/api/v1/sessions/tour/logs?lines=5", token, null).status())
        .isEqualTo(200);

    Response delete = berth.admin("DELETE", "/api/v1/sessions/tour", null);
    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.json().get("complete").asBoolean()).isTrue();
    assertThat(delete.json().get("removed")).isNotEmpty();
    Response again = berth.admin("DELETE", "/api/v1/sessions/tour", null);
    assertThat(again.json().get("nothingLeft").asBoolean()).isTrue();
    assertThat(berth.admin("GET", "/api/v1/sessions/tour", null).status()).isEqualTo(404);
  }

  @Test
  void errorsHaveTheRightStatusAndShape() {
    assertError(berth.call("GET", "/api/v1/sessions", null, null), 401, "unauthorized");
    assertError(
        berth.call("GET", "/api/v1/sessions", "berth_admin_forged", null), 401, "unauthorized");
    assertError(
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"Bad_Id\"}"), 400, "bad_request");
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"Bad_Id\"}").text())
        .contains("a-z, 0-9");
    assertError(
        berth.admin("POST", "/api/v1/sessions", "{\"template\": \"nope\"}"), 404, "not_found");
    assertError(
        berth.admin("POST", "/api/v1/sessions", "{\"tempalte\": \"default\"}"), 400, "bad_request");
    assertThat(berth.admin("POST", "/api/v1/sessions", "{\"tempalte\": \"x\"}").text())
        .contains("tempalte");
    assertError(berth.admin("POST", "/api/v1/sessions", "{not json"), 400, "bad_request");
    assertError(berth.admin("GET", "/api/v1/nothing-here", null), 404, "not_found");
    assertError(berth.admin("GET", "/api/v1/sessions/ghost", null), 404, "not_found");
    assertError(berth.admin("GET", "/api/v1/sessions?status=sleepy", null), 400, "bad_request");

    create("{\"id\": \"dup\"}");
    assertError(berth.admin("POST", "/api/v1/sessions", "{\"id\": \"dup\"}"), 409, "conflict");
    assertError(
        berth.admin("PUT", "/api/v1/sessions/dup/files/big.bin", new byte[70 * 1024]),
        413,
        "too_large");
    assertThat(berth.admin("GET", "/api/v1/sessions/dup/files/big.bin", null).status())
        .as("a refused upload leaves no file")
        .isEqualTo(404);
    assertError(berth.admin("POST", "/api/v1/sessions/dup/exec", "{}"), 400, "bad_request");
    assertError(
        berth.admin(
            "POST", "/api/v1/sessions/dup/exec", "{\"command\": [\"true\"], \"timeout\": 999999}"),
        400,
        "bad_request");
    assertError(berth.admin("POST", "/api/v1/sessions/dup/stop", null), -1, "");
    assertError(
        berth.admin("POST", "/api/v1/sessions/dup/exec", "{\"command\": \"true\"}"),
        409,
        "conflict");
  }

  private static void assertError(Response r, int status, String code) {
    if (status < 0) {
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      return;
    }
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.json().at("/error/message").asString()).isNotBlank();
    assertThat(r.text()).doesNotContain("at dev.berth").doesNotContain("Exception");
  }

  @Test
  void pathsCannotLeaveTheWorkspaceThroughTheApi() throws Exception {
    JsonNode created = create("{\"id\": \"jail\"}");
    String token = created.get("token").asString();
    Path outside = Files.writeString(home.resolve("secret.txt"), "top secret");
    berth.call(
        "POST",
        "/api/v1/sessions/jail/exec",
        token,
        "{\"command\": \"ln -s " + outside + " link\"}");
    for (String path :
        new String[] {
          "/api/v1/sessions/jail/files/link",
          "/api/v1/sessions/jail/files/..%2F..%2Fsecret.txt",
          "/api/v1/sessions/jail/files/%2Fetc%2Fpasswd",
          "/api/v1/sessions/jail/files/a/../../../secret.txt",
          "/api/v1/sessions/jail/archive?path=link",
        }) {
      Response r = berth.call("GET", path, token, null);
      assertThat(r.status()).as(path + " -> " + r).isIn(400, 404);
      assertThat(r.text()).doesNotContain("top secret");
    }
    Response write =
        berth.call("PUT", "/api/v1/sessions/jail/files/link", token, "x".getBytes(UTF_8));
    assertThat(write.status()).as(write.toString()).isEqualTo(400);
    assertThat(Files.readString(outside)).isEqualTo("top secret");
  }

  @Test
  void aSessionTokenOpensItsOwnSessionAndNoOther() {
    String a = create("{\"id\": \"sess-a\"}").get("token").asString();
    create("{\"id\": \"sess-b\"}");
    String[][] onB = {
      {"GET", "/api/v1/sessions/sess-b"},
      {"GET", "/api/v1/sessions/sess-b/events"},
      {"GET", "/api/v1/sessions/sess-b/logs"},
      {"GET", "/api/v1/sessions/sess-b/files"},
      {"GET", "/api/v1/sessions/sess-b/files/x.txt"},
      {"PUT", "/api/v1/sessions/sess-b/files/x.txt"},
      {"DELETE", "/api/v1/sessions/sess-b/files/x.txt"},
      {"POST", "/api/v1/sessions/sess-b/mkdir"},
      {"POST", "/api/v1/sessions/sess-b/move"},
      {"GET", "/api/v1/sessions/sess-b/archive"},
      {"PUT", "/api/v1/sessions/sess-b/archive"},
      {"POST", "/api/v1/sessions/sess-b/exec"},
      {"POST", "/api/v1/sessions/sess-b/stop"},
      {"POST", "/api/v1/sessions/sess-b/start"},
      {"DELETE", "/api/v1/sessions/sess-b"},
      {"POST", "/executor/sess-b"},
      {"DELETE", "/executor/sess-b"},
    };
    for (String[] route : onB) {
      Object body =
          route[0].equals("PUT") ? "x".getBytes(UTF_8) : route[0].equals("POST") ? "{}" : null;
      Response r = berth.call(route[0], route[1], a, body);
      assertThat(r.status()).as(route[0] + " " + route[1] + " -> " + r).isIn(403, 404);
    }
    assertThat(berth.call("GET", "/api/v1/sessions", a, null).json())
        .extracting(s -> s.get("id").asString())
        .containsExactly("sess-a");
    assertThat(berth.call("POST", "/api/v1/sessions", a, "{}").status()).isEqualTo(403);
    assertThat(berth.call("DELETE", "/api/v1/sessions/sess-a", a, null).status()).isEqualTo(403);
    assertThat(berth.call("GET", "/api/v1/sessions/sess-a", a, null).status()).isEqualTo(200);
    // and B is untouched
    assertThat(berth.admin("GET", "/api/v1/sessions/sess-b", null).json().get("status").asString())
        .isEqualTo("RUNNING");
  }

  @Test
  void executorEndpointsWarmStartAndCleanUpById() {
    Response up = berth.admin("POST", "/executor/job-42", "{\"labels\": {\"pipeline\": \"p1\"}}");
    assertThat(up.status()).as(up.toString()).isEqualTo(201);
    assertThat(up.json().at("/session/id").asString()).isEqualTo("job-42");
    assertThat(up.json().at("/session/status").asString()).isEqualTo("RUNNING");
    assertThat(berth.admin("POST", "/executor/job-42", "{}").status()).isEqualTo(409);
    Response down = berth.admin("DELETE", "/executor/job-42", null);
    assertThat(down.status()).isEqualTo(200);
    assertThat(down.json().get("sessionId").asString()).isEqualTo("job-42");
    assertThat(down.json().get("complete").asBoolean()).isTrue();
  }

  @Test
  void aBackendTheTemplateDoesNotAllowIs403AndMakesNothing() throws Exception {
    Path other = home.resolve("other");
    Path t = Files.createDirectories(other.resolve("templates/pinned"));
    Files.writeString(t.resolve("template.yaml"), "allowedBackends: [docker]\n");
    try (var pinned = new TestServer(other, Map.of())) {
      Response listed = pinned.admin("GET", "/api/v1/templates", null);
      assertThat(listed.text()).contains("\"allowedBackends\":[\"docker\"]");
      Response r =
          pinned.admin(
              "POST",
              "/api/v1/sessions",
              "{\"id\": \"p1\", \"template\": \"pinned\", \"backend\": \"local\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.json().at("/error/code").asString()).isEqualTo("forbidden");
      assertThat(r.json().at("/error/message").asString())
          .contains("allows its sessions only on docker; backend 'local' is not one of them");
      assertThat(pinned.admin("GET", "/api/v1/sessions/p1", null).status()).isEqualTo(404);
      assertThat(pinned.admin("GET", "/api/v1/sessions", null).json().size()).isZero();
    }
  }

  @Test
  void warmCreatesTheWorkspaceWithoutStarting() {
    JsonNode warm = create("{\"id\": \"warm\", \"start\": false}");
    assertThat(warm.at("/session/status").asString()).isEqualTo("STOPPED");
    assertThat(
            berth
                .admin("POST", "/api/v1/sessions/warm/start", null)
                .json()
                .get("status")
                .asString())
        .isEqualTo("RUNNING");
  }

  @Test
  void directoriesAreListedMovedAndDeleted() {
    create("{\"id\": \"fs\"}");
    assertThat(berth.admin("POST", "/api/v1/sessions/fs/mkdir", "{\"path\": \"a/b\"}").status())
        .isEqualTo(201);
    berth.admin("PUT", "/api/v1/sessions/fs/files/a/b/f.txt", "1".getBytes(UTF_8));
    Response moved =
        berth.admin("POST", "/api/v1/sessions/fs/move", "{\"from\": \"a\", \"to\": \"c\"}");
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(berth.admin("GET", "/api/v1/sessions/fs/files/c/b/f.txt", null).text())
        .isEqualTo("1");
    assertThat(
            berth
                .admin("GET", "/api/v1/sessions/fs/files/c?stat=true", null)
                .json()
                .get("type")
                .asString())
        .isEqualTo("DIRECTORY");
    assertThat(berth.admin("DELETE", "/api/v1/sessions/fs/files/c", null).status()).isEqualTo(409);
    assertThat(berth.admin("DELETE", "/api/v1/sessions/fs/files/c?recursive=true", null).status())
        .isEqualTo(204);
    assertThat(berth.admin("GET", "/api/v1/sessions/fs/files", null).json()).isEmpty();
  }
}
