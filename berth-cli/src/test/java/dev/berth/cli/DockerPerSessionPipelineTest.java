package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Sessions of several typed containers through the REST API, the executor endpoints and the CLI, on
 * a real Docker engine: a processor writes {@code in.txt}, a plugin turns it into {@code out.txt},
 * a manual merger (started by the executor because the step lists it) writes {@code result.txt}
 * from it, all on the session's one volume; a manual {@code spare} is started and stopped on
 * request. Per-session networks, so that names show type, template and session.
 */
class DockerPerSessionPipelineTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PIPE =
      """
      command: [sleep, '600']
      containers:
        processor:
          shell: echo 'hello pipeline' > in.txt.part && mv in.txt.part in.txt; echo processed; exec sleep 600
        plugin:
          shell: until [ -f in.txt ]; do sleep 0.1; done; tr a-z A-Z < in.txt > out.txt.part && mv out.txt.part out.txt; exec sleep 600
          after: [processor]
        merger:
          shell: until [ -f out.txt ]; do sleep 0.1; done; (echo merged; cat out.txt) > result.txt.part && mv result.txt.part result.txt; exec sleep 600
          after: [plugin]
          start: manual
        spare:
          shell: exec sleep 600
          start: manual
      """;

  private String prefix;
  private String sid;
  @TempDir Path home;
  private TestServer berth;
  private final DockerCli docker = DockerCli.system();

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void start() throws IOException {
    prefix = "bctr" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    sid = "job-" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Path pipe = Files.createDirectories(home.resolve("templates/pipe"));
    Files.writeString(pipe.resolve("template.yaml"), PIPE);
    berth =
        new TestServer(
            home, Map.of("BERTH_PREFIX", prefix, "BERTH_DOCKER_NETWORKS", "per-session"), "docker");
  }

  @AfterEach
  void stop() {
    if (berth != null) {
      berth.close();
    }
    docker.removeEverything(prefix);
    docker.tryRun("rmi", prefix + "/default:latest");
  }

  private Map<String, JsonNode> byType(JsonNode containers) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    containers.forEach(c -> out.put(c.get("type").asString(), c));
    return out;
  }

  private String name(String type) {
    return prefix + "-" + type + "-pipe-" + sid;
  }

  private Response exec(String container, String command) {
    String body =
        container == null
            ? "{\"command\": \"" + command + "\"}"
            : "{\"command\": \"" + command + "\", \"container\": \"" + container + "\"}";
    return berth.admin("POST", "/api/v1/sessions/" + sid + "/exec", body);
  }

  /** Waits until {@code command} exits 0 in the main container; returns its stdout. */
  private String awaitExec(String command) {
    var last = new java.util.concurrent.atomic.AtomicReference<Response>();
    org.awaitility.Awaitility.await("'" + command + "' succeeds")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              last.set(exec(null, command));
              return last.get().status() == 200 && last.get().json().get("exitCode").asInt() == 0;
            });
    return last.get().json().get("stdout").asString();
  }

  @Test
  void theExecutorRunsAPipelineOfTypedContainersOnOneVolumeAndRemovesEveryContainer()
      throws Exception {
    Response up =
        berth.admin(
            "POST",
            "/executor/" + sid,
            "{\"template\": \"pipe\", \"containers\": [\"processor\", \"plugin\", \"merger\"]}");
    assertThat(up.status()).as(up.toString()).isEqualTo(201);
    Map<String, JsonNode> seen = byType(up.json().get("containers"));
    assertThat(seen.keySet()).containsExactly("session", "processor", "plugin", "merger", "spare");
    for (String type : List.of("session", "processor", "plugin", "merger")) {
      assertThat(seen.get(type).get("name").asString()).isEqualTo(name(type));
      assertThat(seen.get(type).get("state").asString()).as(type).isEqualTo("running");
    }
    // A manual container is made at its first start only.
    assertThat(seen.get("spare").get("state").asString()).isEqualTo("missing");

    // Each container did its part on the one workspace volume.
    assertThat(awaitExec("cat result.txt")).isEqualTo("merged\nHELLO PIPELINE\n");
    String volumes =
        docker.run(
            "ps",
            "-a",
            "--no-trunc",
            "--filter",
            "label=berth.session=" + sid,
            "--format",
            "{{.Mounts}}");
    assertThat(volumes.lines().distinct().toList()).containsExactly(prefix + "-pipe-" + sid);

    // Exec and logs in one container.
    Response inPlugin = exec("plugin", "cat out.txt; hostname");
    assertThat(inPlugin.status()).as(inPlugin.toString()).isEqualTo(200);
    assertThat(inPlugin.json().get("stdout").asString()).startsWith("HELLO PIPELINE\n");
    Response log =
        berth.admin("GET", "/api/v1/sessions/" + sid + "/logs?container=processor", null);
    assertThat(log.status()).as(log.toString()).isEqualTo(200);
    assertThat(log.text()).contains("processed");
    assertThat(berth.admin("GET", "/api/v1/sessions/" + sid + "/logs", null).text())
        .doesNotContain("processed");

    Response down = berth.admin("DELETE", "/executor/" + sid, null);
    assertThat(down.status()).as(down.toString()).isEqualTo(200);
    List<String> removed = new ArrayList<>();
    down.json()
        .get("removed")
        .forEach(r -> removed.add(r.get("kind").asString() + " " + r.get("name").asString()));
    for (String type : List.of("session", "processor", "plugin", "merger")) {
      assertThat(removed).contains("container " + name(type));
    }
    assertThat(removed).contains("volume " + prefix + "-pipe-" + sid);
    assertThat(docker.run("ps", "-aq", "--filter", "label=berth.session=" + sid)).isBlank();
  }
}
