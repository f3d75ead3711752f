package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code berth doctor} against a real server: each line ok, warning or problem; its exit code. */
class DoctorCliTest {
  @TempDir Path home;
  private TestServer berth;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    env =
        new HashMap<>(
            Map.of(
                "BERTH_URL", berth.url(), "BERTH_HOME", home.toString(), "BERTH_BACKEND", "local"));
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  private record Run(int code, String out, String err) {}

  private Run doctor(String... more) {
    var out = new StringWriter();
    var err = new StringWriter();
    String[] args = new String[more.length + 1];
    args[0] = "doctor";
    System.arraycopy(more, 0, args, 1, more.length);
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aHealthyInstallationIsOkAndHonoursBerthBackend() {
    Run ok = doctor();
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .containsPattern("(?m)^backend +ok: new sessions use the local backend \\(BERTH_BACKEND\\)")
        .containsPattern("(?m)^token +ok: the server takes the token from .*admin.token")
        .containsPattern("(?m)^server +ok: " + berth.url() + " answers")
        .containsPattern("(?m)^busybox +(ok|WARNING): ")
        .doesNotContain("'auto'");
  }

  @Test
  void aWrongTokenABrokenTemplateAndADownServerAreProblems() throws Exception {
    env.put("BERTH_TOKEN", "berth_admin_wrong");
    Run wrong = doctor();
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.out())
        .containsPattern("(?m)^token +PROBLEM: the server refuses the token from BERTH_TOKEN: ")
        .contains("unset BERTH_TOKEN");
    assertThat(wrong.err()).isEqualTo("berth: doctor found 1 problem\n");
    env.remove("BERTH_TOKEN");

    Files.createDirectories(home.resolve("templates/typo"));
    Files.writeString(home.resolve("templates/typo/template.yaml"), "comand: [app]\n");
    Run broken = doctor();
    assertThat(broken.code()).isEqualTo(1);
    assertThat(broken.out()).containsPattern("(?m)^template typo +PROBLEM: does not load ");

    Files.delete(home.resolve("templates/typo/template.yaml"));
    env.put("BERTH_URL", "http://127.0.0.1:1");
    Run down = doctor();
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.out())
        .containsPattern("(?m)^server +PROBLEM: not running: no Berth server answers");
  }

  @Test
  void jsonHasEveryCheckWithItsLevel() {
    Run json = doctor("--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode checks = ApiClient.JSON.readTree(json.out());
    assertThat(checks.isArray()).isTrue();
    Set<String> names = new HashSet<>();
    for (JsonNode c : checks) {
      names.add(c.get("check").asString());
      assertThat(c.get("level").asString()).isIn("ok", "warning", "problem");
      assertThat(c.get("message").asString()).isNotBlank();
    }
    assertThat(names).contains("java", "configuration", "local backend", "server", "token");

    env.put("BERTH_URL", "http://127.0.0.1:1");
    Run down = doctor("--json");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err()).isEmpty();
    assertThat(ApiClient.JSON.readTree(down.out()).toString())
        .contains("{\"check\":\"server\",\"level\":\"problem\"");
  }

  @Test
  void aTcpEngineThatDoesNotAnswerIsSaidSo() {
    env.put("DOCKER_HOST", "tcp://127.0.0.1:1");
    Run r = doctor();
    assertThat(r.out())
        .containsPattern(
            "(?m)^docker backend +WARNING: remote engine tcp://127.0.0.1:1 \\(DOCKER_HOST\\):"
                + " nothing answers there")
        .doesNotContain("remote ()");
  }
}
