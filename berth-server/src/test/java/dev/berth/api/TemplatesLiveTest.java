package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Templates while Berth runs (local backend): a broken one does not stop the server and is
 * reported, a reload (API or file change) picks up new and edited ones, and a start applies the
 * template as it is now.
 */
class TemplatesLiveTest {
  @TempDir Path home;

  /** Writes the greeting from its environment into the workspace, then stays up. */
  private static final String GREETER =
      """
      command: [sh, -c, 'echo "$GREETING" > greeting.txt; exec sleep 600']
      env: {GREETING: %s}
      """;

  private void template(String name, String yaml) throws IOException {
    Path dir = Files.createDirectories(home.resolve("templates").resolve(name));
    Files.writeString(dir.resolve("template.yaml"), yaml);
  }

  private static JsonNode entry(TestServer berth, String name) {
    for (JsonNode t : berth.admin("GET", "/api/v1/templates", null).json()) {
      if (t.get("name").asString().equals(name)) {
        return t;
      }
    }
    return null;
  }

  private static String exec(TestServer berth, String id, String command) {
    Response r =
        berth.admin(
            "POST", "/api/v1/sessions/" + id + "/exec", "{\"command\": \"" + command + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("stdout").asString();
  }

  @Test
  void serveStartsWithABrokenTemplateAndReportsItWhileTheOthersWork() throws IOException {
    template("good", GREETER.formatted("hello"));
    template("broken", "comand: [sleep, '1']\n");
    try (var berth = new TestServer(home)) {
      assertThat(berth.startupOutput)
          .contains("template 'broken' does not load, skipped")
          .contains("unknown key 'comand'");
      JsonNode broken = entry(berth, "broken");
      assertThat(broken.get("loaded").asBoolean()).isFalse();
      assertThat(broken.at("/problem/file").asString()).endsWith("broken/template.yaml");
      assertThat(broken.at("/problem/errors/0").asString()).contains("unknown key 'comand'");
      assertThat(entry(berth, "good").get("loaded").asBoolean()).isTrue();
      assertThat(entry(berth, "good").get("problem").isNull()).isTrue();

      Response created =
          berth.admin("POST", "/api/v1/sessions", "{\"id\": \"g1\", \"template\": \"good\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      Response refused =
          berth.admin("POST", "/api/v1/sessions", "{\"id\": \"b1\", \"template\": \"broken\"}");
      assertThat(refused.status()).isEqualTo(404);
      assertThat(refused.text()).contains("unknown template 'broken'");
    }
  }

  @Test
  void aReloadPicksUpTemplatesAndABrokenEditKeepsTheSessionsOfThatTemplateRunning()
      throws IOException {
    template("good", GREETER.formatted("hello"));
    try (var berth = new TestServer(home)) {
      Response created =
          berth.admin("POST", "/api/v1/sessions", "{\"id\": \"g1\", \"template\": \"good\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String sessionToken = created.json().get("token").asString();

      template("good", "command: [sh, -c, 'oops'\n"); // broken YAML
      template("fresh", "description: added while running\n");
      Response reload = berth.admin("POST", "/api/v1/templates/reload", null);
      assertThat(reload.status()).as(reload.toString()).isEqualTo(200);
      assertThat(reload.json().get("added").toString()).contains("fresh");
      assertThat(reload.json().get("kept").toString()).contains("good");
      assertThat(reload.json().at("/skipped/0/template").asString()).isEqualTo("good");
      assertThat(reload.json().at("/skipped/0/errors/0").asString()).contains("not valid YAML");

      assertThat(berth.admin("GET", "/api/v1/sessions/g1", null).json().get("status").asString())
          .isEqualTo("RUNNING");
      assertThat(exec(berth, "g1", "cat greeting.txt")).isEqualTo("hello\n");
      JsonNode good = entry(berth, "good");
      assertThat(good.get("loaded").asBoolean()).as("its last good version is in use").isTrue();
      assertThat(good.at("/problem/errors/0").asString()).contains("not valid YAML");
      assertThat(
              berth
                  .admin("POST", "/api/v1/sessions", "{\"id\": \"f1\", \"template\": \"fresh\"}")
                  .status())
          .isEqualTo(201);

      Response notAdmin = berth.call("POST", "/api/v1/templates/reload", sessionToken, null);
      assertThat(notAdmin.status()).isEqualTo(403);
    }
  }

  @Test
  void aChangedFileIsReloadedWithoutAnyCall() throws IOException {
    template("good", GREETER.formatted("hello"));
    try (var berth = new TestServer(home)) {
      template("later", "description: written while Berth runs\n");
      await().atMost(Duration.ofSeconds(15)).until(() -> entry(berth, "later") != null);
      template("later", "description: edited while Berth runs\n");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> entry(berth, "later").get("description").asString().startsWith("edited"));
    }
  }

  @Test
  void aTemplateCopiedIntoANewDataDirectoryWhileBerthRunsIsSeenWithoutAnyCall() throws IOException {
    assertThat(home.resolve("templates")).doesNotExist();
    try (var berth = new TestServer(home)) {
      assertThat(home.resolve("templates")).as("made at start, so it is watched").isDirectory();
      template("first", "description: the first template of a new data directory\n");
      await().atMost(Duration.ofSeconds(15)).until(() -> entry(berth, "first") != null);
    }
  }

  @Test
  void aStartAfterATemplateEditRunsTheNewCommandAndEnvAndShowSaysOutdatedUntilThen()
      throws IOException {
    template("good", GREETER.formatted("one"));
    try (var berth = new TestServer(home)) {
      assertThat(
              berth
                  .admin("POST", "/api/v1/sessions", "{\"id\": \"s1\", \"template\": \"good\"}")
                  .status())
          .isEqualTo(201);
      await().until(() -> exec(berth, "s1", "cat greeting.txt 2>/dev/null"), "one\n"::equals);
      exec(berth, "s1", "echo mine > kept.txt");
      JsonNode before = berth.admin("GET", "/api/v1/sessions/s1", null).json().get("definition");
      assertThat(before.get("state").asString()).isEqualTo("current");
      assertThat(before.get("fingerprint").asString()).hasSize(12);

      berth.admin("POST", "/api/v1/sessions/s1/stop", null);
      template(
          "good",
          """
          command: [sh, -c, 'echo "$GREETING again" > greeting.txt; exec sleep 600']
          env: {GREETING: two}
          """);
      berth.admin("POST", "/api/v1/templates/reload", null);
      JsonNode outdated = berth.admin("GET", "/api/v1/sessions/s1", null).json().get("definition");
      assertThat(outdated.get("state").asString()).isEqualTo("outdated");
      assertThat(outdated.get("outdated").asBoolean()).isTrue();
      assertThat(outdated.get("current").asString())
          .isNotEqualTo(outdated.get("fingerprint").asString());
      assertThat(outdated.get("explanation").asString()).contains("next start applies");

      assertThat(
              berth
                  .admin("POST", "/api/v1/sessions/s1/start", null)
                  .json()
                  .get("status")
                  .asString())
          .isEqualTo("RUNNING");
      await().until(() -> exec(berth, "s1", "cat greeting.txt 2>/dev/null"), "two again\n"::equals);
      assertThat(exec(berth, "s1", "cat kept.txt")).isEqualTo("mine\n");
      JsonNode after = berth.admin("GET", "/api/v1/sessions/s1", null).json().get("definition");
      assertThat(after.get("state").asString()).isEqualTo("current");
      assertThat(after.get("fingerprint").asString()).isEqualTo(outdated.get("current").asString());
      assertThat(
              berth
                  .admin("GET", "/api/v1/sessions", null)
                  .json()
                  .get(0)
                  .at("/definition/state")
                  .asString())
          .as("the list says the same")
          .isEqualTo("current");
    }
  }
}
