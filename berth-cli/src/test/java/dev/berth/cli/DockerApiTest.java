package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import dev.berth.server.TestServer.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The REST API of a server whose default backend is a real Docker engine: the tour, archives, an
 * app behind its readiness probe, the executor endpoints, cleanup receipts and gc. Fails (never
 * skips) when CI is set and no engine answers.
 */
class DockerApiTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  // A prefix per test: each test is a new installation (new data directory, new instance id), and
  // Docker names are only unique per prefix.
  private String prefix;

  @TempDir Path home;
  private TestServer berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void start() throws IOException {
    prefix = "bapi" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Path web = Files.createDirectories(home.resolve("templates/web"));
    Files.writeString(
        web.resolve("template.yaml"),
        """
        description: busybox httpd serving the workspace
        command: [/bin/busybox, httpd, -f, -p, "8080", -h, /workspace]
        ports: [8080]
        probe: {http: /, port: 8080, startTimeout: 30s}
        """);
    Path broken = Files.createDirectories(home.resolve("templates/broken"));
    Files.writeString(
        broken.resolve("template.yaml"),
        "shell: echo 'missing config' >&2; exit 4\nports: [8080]\nprobe: {tcp: 8080, startTimeout: 20s}\n");
    Path napper = Files.createDirectories(home.resolve("templates/napper"));
    Files.writeString(napper.resolve("template.yaml"), "command: [sleep, '600']\n");
    Path unbuilt = Files.createDirectories(home.resolve("templates/unbuilt"));
    Files.writeString(
        unbuilt.resolve("template.yaml"),
        "image: " + "berth-test-never-built:1\ncommand: [sleep, '600']\n");
    Path silent = Files.createDirectories(home.resolve("templates/silent"));
    Files.writeString(
        silent.resolve("template.yaml"),
        "command: [sleep, '600']\nports: [8080]\nprobe: {http: /, port: 8080, startTimeout: 2s}\n");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
  }

  @AfterEach
  void stop() throws Exception {
    berth.close();
    removeLeftovers();
  }

  private void removeLeftovers() throws Exception {
    // Belt and braces: anything this test's prefix made, whatever a failed test left.
    docker(
        "sh",
        "-c",
        "docker rm -f $(docker ps -aq --filter name="
            + prefix
            + "-) 2>/dev/null; "
            + "docker network rm $(docker network ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; "
            + "docker volume rm $(docker volume ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; "
            + "docker rmi "
            + prefix
            + "/default:latest 2>/dev/null; true");
  }

  private static String docker(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private JsonNode create(String body) {
    Response r = berth.admin("POST", "/api/v1/sessions", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void theTourRunsOnDockerAndDeleteRemovesEveryResource() throws Exception {
    JsonNode created = create("{\"id\": \"tour\"}");
    JsonNode session = created.get("session");
    assertThat(session.get("backend").asString()).isEqualTo("docker");
    assertThat(session.get("status").asString()).isEqualTo("RUNNING");
    String container = session.at("/resources/container").asString();
    // On the shared network the name says nothing of the session (Docker's DNS shows it to others).
    assertThat(container).matches(prefix + "-session-[0-9a-f]{16}");
    assertThat(session.at("/resources/volume").asString()).isEqualTo(prefix + "-default-tour");
    String token = created.get("token").asString();

    berth.call("PUT", "/api/v1/sessions/tour/files/docs/hello.txt", token, "hi".getBytes(UTF_8));
    assertThat(berth.call("GET", "/api/v1/sessions/tour/files/docs/hello.txt", token, null).text())
        .isEqualTo("hi");
    Response exec =
        berth.call(
            "POST",
            "/api/v1/sessions/tour/exec",
            token,
            "{\"command\": \"cat docs/hello.txt; id -u\"}");
    assertThat(exec.json().get("stdout").asString()).startsWith("hi");

    Response receipt = berth.admin("DELETE", "/api/v1/sessions/tour", null);
    assertThat(receipt.status()).as(receipt.toString()).isEqualTo(200);
    List<String> removed = new ArrayList<>();
    receipt
        .json()
        .get("removed")
        .forEach(r -> removed.add(r.get("kind").asString() + " " + r.get("name").asString()));
    // The shared network (the default) stays; a per-session one would be in the receipt too.
    assertThat(removed).contains("container " + container, "volume " + prefix + "-default-tour");
    assertThat(docker("docker", "ps", "-aq", "--filter", "label=berth.session=tour")).isBlank();
    assertThat(
            docker("docker", "volume", "ls", "-q", "--filter", "name=" + prefix + "-default-tour"))
        .isBlank();
    assertThat(
            berth
                .admin("DELETE", "/api/v1/sessions/tour", null)
                .json()
                .get("nothingLeft")
                .asBoolean())
        .isTrue();
  }

  @Test
  void archivesMoveManyFilesInOneCall() throws Exception {
    create("{\"id\": \"arch\"}");
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      for (int i = 0; i < 20; i++) {
        byte[] bytes = ("file " + i).getBytes(UTF_8);
        var entry = new TarArchiveEntry("batch/f" + i + ".txt");
        entry.setSize(bytes.length);
        out.putArchiveEntry(entry);
        out.write(bytes);
        out.closeArchiveEntry();
      }
    }
    Response put = berth.admin("PUT", "/api/v1/sessions/arch/archive?path=in", tar.toByteArray());
    assertThat(put.status()).as(put.toString()).isEqualTo(204);
    assertThat(berth.admin("GET", "/api/v1/sessions/arch/files/in/batch/f7.txt", null).text())
        .isEqualTo("file 7");

    Response get = berth.admin("GET", "/api/v1/sessions/arch/archive?path=in/batch", null);
    assertThat(get.contentType()).startsWith("application/x-tar");
    int files = 0;
    try (var in = new TarArchiveInputStream(new ByteArrayInputStream(get.body()))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        files += e.isFile() ? 1 : 0;
      }
    }
    assertThat(files).isEqualTo(20);
  }

  @Test
  void anAppIsReachableAtItsContainersAddressWithNothingPublishedOnTheHost() throws Exception {
    JsonNode session = create("{\"id\": \"web1\", \"template\": \"web\"}").get("session");
    assertThat(session.get("status").asString()).as(session.toString()).isEqualTo("RUNNING");
    String url = session.at("/endpoints/8080").asString();
    // A local engine: the container's address on Berth's network, no port on the host's loopback.
    assertThat(url)
        .matches("http://\\d+\\.\\d+\\.\\d+\\.\\d+:8080/")
        .doesNotStartWith("http://127.");
    berth.admin(
        "PUT",
        "/api/v1/sessions/web1/files/index.html",
        "<h1>from the session</h1>".getBytes(UTF_8));
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).contains("from the session");
  }

  @Test
  void executorEndpointsWarmStartAndCleanUp() {
    Response up = berth.admin("POST", "/executor/job-7", "{\"template\": \"web\"}");
    assertThat(up.status()).as(up.toString()).isEqualTo(201);
    assertThat(up.json().at("/endpoints/8080").asString())
        .matches("http://\\d+\\.\\d+\\.\\d+\\.\\d+:8080/")
        .doesNotStartWith("http://127.");
    Response down = berth.admin("DELETE", "/executor/job-7", null);
    assertThat(down.status()).isEqualTo(200);
    assertThat(down.json().get("removed")).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void gcRemovesAPlantedOrphanAndNothingElse() throws Exception {
    create("{\"id\": \"alive\"}");
    String instance = Files.readString(home.resolve("instance.id")).strip();
    String orphan = prefix + "-default-ghost";
    docker(
        "docker",
        "volume",
        "create",
        "--label",
        "berth.session=ghost",
        "--label",
        "berth.template=default",
        "--label",
        "berth.type=workspace",
        "--label",
        "berth.instance=" + instance,
        "--label",
        "berth.created=2020-01-01T00:00:00Z",
        orphan);
    String stranger = prefix + "-not-berths";
    docker("docker", "volume", "create", stranger);

    Response dry = berth.admin("POST", "/api/v1/gc?dryRun=true&grace=0s", null);
    assertThat(dry.text()).contains("ghost").doesNotContain("\"alive\"");
    Response gc = berth.admin("POST", "/api/v1/gc?grace=0s", null);
    assertThat(gc.status()).as(gc.toString()).isEqualTo(200);
    assertThat(docker("docker", "volume", "ls", "-q", "--filter", "name=" + orphan)).isBlank();
    assertThat(docker("docker", "volume", "ls", "-q", "--filter", "name=" + stranger))
        .contains(stranger);
    assertThat(berth.admin("GET", "/api/v1/sessions/alive", null).json().get("status").asString())
        .isEqualTo("RUNNING");
    docker("docker", "volume", "rm", stranger);
  }

  @Test
  void readinessFailuresLeaveTheSessionFailedWithTheReasonAndTheLogTail() {
    JsonNode crashed = create("{\"id\": \"crash\", \"template\": \"broken\"}").get("session");
    assertThat(crashed.get("status").asString()).isEqualTo("FAILED");
    assertThat(crashed.get("statusReason").asString()).contains("exited with code 4");
    Response events = berth.admin("GET", "/api/v1/sessions/crash/events", null);
    assertThat(events.text()).contains("missing config");

    JsonNode silent = create("{\"id\": \"mute\", \"template\": \"silent\"}").get("session");
    assertThat(silent.get("status").asString()).isEqualTo("FAILED");
    assertThat(silent.get("statusReason").asString()).contains("not ready after 2s");

    Response receipt = berth.admin("DELETE", "/api/v1/sessions/mute", null);
    assertThat(receipt.status()).as("a failed session is cleaned up like any other").isEqualTo(200);
  }

  @Test
  void aLocalSessionMovesIntoAContainerWithItsFilesAndBackAgain() throws Exception {
    JsonNode created =
        create("{\"id\": \"mig\", \"template\": \"napper\", \"backend\": \"local\"}");
    assertThat(created.at("/session/backend").asString()).isEqualTo("local");
    String token = created.get("token").asString();
    berth.call("PUT", "/api/v1/sessions/mig/files/notes/a.txt", token, "kept".getBytes(UTF_8));
    berth.call("PUT", "/api/v1/sessions/mig/files/big.bin", token, new byte[3 << 20]);

    Response toDocker = berth.admin("POST", "/api/v1/sessions/mig/migrate", "{\"to\": \"docker\"}");
    assertThat(toDocker.status()).as(toDocker.toString()).isEqualTo(200);
    assertThat(toDocker.json().at("/session/backend").asString()).isEqualTo("docker");
    assertThat(toDocker.json().at("/session/status").asString()).isEqualTo("RUNNING");
    assertThat(toDocker.json().at("/sourceCleanup/complete").asBoolean()).isTrue();
    assertThat(toDocker.json().at("/sourceCleanup/backend").asString()).isEqualTo("local");
    assertThat(docker("docker", "ps", "-q", "--filter", "label=berth.session=mig")).isNotBlank();
    // Same token, same files, now inside the container.
    Response exec =
        berth.call(
            "POST",
            "/api/v1/sessions/mig/exec",
            token,
            "{\"command\": \"cat notes/a.txt; wc -c < big.bin\"}");
    assertThat(exec.json().get("stdout").asString()).isEqualTo("kept" + (3 << 20) + "\n");

    Response back = berth.admin("POST", "/api/v1/sessions/mig/migrate", "{\"to\": \"local\"}");
    assertThat(back.status()).as(back.toString()).isEqualTo(200);
    assertThat(back.json().at("/session/backend").asString()).isEqualTo("local");
    assertThat(berth.call("GET", "/api/v1/sessions/mig/files/notes/a.txt", token, null).text())
        .isEqualTo("kept");
    assertThat(docker("docker", "ps", "-aq", "--filter", "label=berth.session=mig"))
        .as("the container is gone with the move back")
        .isBlank();
    assertThat(docker("docker", "volume", "ls", "-q", "--filter", "label=berth.session=mig"))
        .isBlank();
  }

  @Test
  void aFailedMigrationLeavesTheSessionRunningWhereItWasAndNothingOnTheTarget() throws Exception {
    create("{\"id\": \"stay\", \"template\": \"unbuilt\", \"backend\": \"local\"}");
    berth.admin("PUT", "/api/v1/sessions/stay/files/a.txt", "kept".getBytes(UTF_8));

    Response r = berth.admin("POST", "/api/v1/sessions/stay/migrate", "{\"to\": \"docker\"}");

    assertThat(r.status()).as(r.toString()).isEqualTo(502);
    assertThat(r.text())
        .contains("migration to docker failed")
        .contains("stays on local, running again");
    JsonNode s = berth.admin("GET", "/api/v1/sessions/stay", null).json();
    assertThat(s.get("backend").asString()).isEqualTo("local");
    assertThat(s.get("status").asString()).isEqualTo("RUNNING");
    assertThat(berth.admin("GET", "/api/v1/sessions/stay/files/a.txt", null).text())
        .isEqualTo("kept");
    assertThat(docker("docker", "ps", "-aq", "--filter", "label=berth.session=stay")).isBlank();
    assertThat(docker("docker", "volume", "ls", "-q", "--filter", "label=berth.session=stay"))
        .isBlank();

    Response bad = berth.admin("POST", "/api/v1/sessions/stay/migrate", "{\"to\": \"nowhere\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text()).contains("unknown backend 'nowhere'");
    assertThat(berth.admin("POST", "/api/v1/sessions/stay/migrate", "{}").status()).isEqualTo(400);
  }
}
