package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A template edited between a session's stop and start on a real Docker engine: the start runs the
 * new command and environment (the container is recreated on the same volume), the workspace files
 * survive, and the session's view says outdated before and current after. Fails (never skips) when
 * CI is set and no engine answers.
 */
class DockerTemplateEditTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private String prefix;

  @TempDir Path home;
  private TestServer berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  private void greeter(String shell, String greeting) throws IOException {
    Path dir = Files.createDirectories(home.resolve("templates/greeter"));
    Files.writeString(
        dir.resolve("template.yaml"),
        "shell: '" + shell + "'\nenv: {GREETING: " + greeting + "}\n");
  }

  @BeforeEach
  void start() throws IOException {
    prefix = "btpl" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    greeter("echo \"$GREETING\" > greeting.txt; exec sleep 600", "one");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
  }

  @AfterEach
  void stop() throws Exception {
    berth.close();
    docker(
        "sh",
        "-c",
        "docker rm -f $(docker ps -aq --filter name="
            + prefix
            + "-) 2>/dev/null; docker network rm $(docker network ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; docker volume rm $(docker volume ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; docker rmi "
            + prefix
            + "/default:latest 2>/dev/null; true");
  }

  private static String docker(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private String exec(String command) {
    Response r =
        berth.admin("POST", "/api/v1/sessions/s1/exec", "{\"command\": \"" + command + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("stdout").asString();
  }

  private JsonNode show() {
    return berth.admin("GET", "/api/v1/sessions/s1", null).json();
  }

  private String status(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("status").asString();
  }

  @Test
  void aStartAfterAnEditRecreatesTheContainerFromTheTemplateAsItIsNowAndKeepsTheFiles()
      throws Exception {
    Response created =
        berth.admin("POST", "/api/v1/sessions", "{\"id\": \"s1\", \"template\": \"greeter\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    await().until(() -> exec("cat greeting.txt 2>/dev/null"), "one\n"::equals);
    exec("echo mine > kept.txt");
    String firstContainer = show().at("/resources/containerId").asString();
    assertThat(show().at("/definition/state").asString()).isEqualTo("current");

    // Unchanged: a stop and start keeps the container as it is.
    assertThat(status(berth.admin("POST", "/api/v1/sessions/s1/stop", null))).isEqualTo("STOPPED");
    assertThat(status(berth.admin("POST", "/api/v1/sessions/s1/start", null))).isEqualTo("RUNNING");
    assertThat(show().at("/resources/containerId").asString()).isEqualTo(firstContainer);

    assertThat(status(berth.admin("POST", "/api/v1/sessions/s1/stop", null))).isEqualTo("STOPPED");
    greeter("echo \"$GREETING again\" > greeting.txt; exec sleep 600", "two");
    // The file watch reloads it; the session's view says so before any start.
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> show().at("/definition/state").asString(), "outdated"::equals);
    assertThat(show().at("/definition/explanation").asString()).contains("next start applies");

    assertThat(status(berth.admin("POST", "/api/v1/sessions/s1/start", null))).isEqualTo("RUNNING");
    await().until(() -> exec("cat greeting.txt 2>/dev/null"), "two again\n"::equals);
    assertThat(exec("cat kept.txt")).as("the workspace survives").isEqualTo("mine\n");
    assertThat(exec("echo $GREETING")).isEqualTo("two\n");
    JsonNode after = show();
    assertThat(after.at("/resources/containerId").asString()).isNotEqualTo(firstContainer);
    assertThat(after.at("/definition/state").asString()).isEqualTo("current");
    String label =
        docker(
                "docker",
                "inspect",
                "-f",
                "{{index .Config.Labels \"berth.definition\"}}",
                after.at("/resources/container").asString())
            .strip();
    assertThat(label).startsWith(after.at("/definition/fingerprint").asString());
  }
}
