package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser proxy in front of a Docker session: busybox httpd in the container, reached through
 * {@code /s/<id>/} at the container's address (a local engine publishes no port). The app knows
 * nothing of the prefix; its own redirects come back under it.
 */
class DockerProxyTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final HttpClient http = HttpClient.newHttpClient();
  private String prefix;

  @TempDir Path home;
  private TestServer berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void start() throws Exception {
    prefix = "bprx" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Path web = Files.createDirectories(home.resolve("templates/web"));
    Files.writeString(
        web.resolve("template.yaml"),
        """
        description: busybox httpd serving the workspace
        command: [/bin/busybox, httpd, -f, -p, "8080", -h, /workspace]
        ports: [8080]
        probe: {http: /, port: 8080, startTimeout: 30s}
        """);
    Files.createDirectories(web.resolve("skeleton/docs"));
    Files.writeString(web.resolve("skeleton/index.html"), "<h1>hello from docker</h1>\n");
    Files.writeString(web.resolve("skeleton/docs/index.html"), "docs\n");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
  }

  @AfterEach
  void stop() throws Exception {
    berth.close();
    Process p =
        new ProcessBuilder(
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
                    + "/default:latest 2>/dev/null; true")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(berth.url() + path));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  /** The README's web template, as the README writes it, on the default image. */
  @Test
  void theReadmesWebTemplateRunsAsWrittenOnTheDefaultImage() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String marker = "# ~/.berth/templates/web/template.yaml\n";
    int start = readme.indexOf(marker);
    assertThat(start).as("the README's web template").isNotNegative();
    Path dir = Files.createDirectories(home.resolve("templates/readmeweb"));
    Files.writeString(
        dir.resolve("template.yaml"),
        readme.substring(start + marker.length(), readme.indexOf("```", start)));
    assertThat(berth.admin("POST", "/api/v1/templates/reload", null).status()).isEqualTo(200);

    var created =
        berth.admin("POST", "/api/v1/sessions", "{\"id\":\"web1\",\"template\":\"readmeweb\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().at("/session/status").asString())
        .as(created.toString())
        .isEqualTo("RUNNING");
    assertThat(created.json().at("/session/backend").asString()).isEqualTo("docker");
    var page = berth.admin("GET", "/s/web1/", null);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.text()).isEqualTo("hello\n");
  }

  @Test
  void aDockerSessionsAppOpensThroughTheProxy() throws Exception {
    var created = berth.admin("POST", "/api/v1/sessions", "{\"id\":\"site\",\"template\":\"web\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().at("/session/backend").asString()).isEqualTo("docker");
    String token = created.json().get("token").asString();

    assertThat(get("/s/site/", null).statusCode()).isEqualTo(401);
    HttpResponse<String> login = get("/s/site/?token=" + token, null);
    assertThat(login.statusCode()).isEqualTo(303);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> page = get("/s/site/", cookie);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("<h1>hello from docker</h1>\n");
    // httpd redirects a directory without its slash to /docs/: it comes back under the prefix.
    HttpResponse<String> redirect = get("/s/site/docs", cookie);
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Location")).hasValue("/s/site/docs/");
    assertThat(get("/s/site/docs/", cookie).body()).isEqualTo("docs\n");

    // The container's app was told its public base path.
    var exec =
        berth.admin(
            "POST", "/api/v1/sessions/site/exec", "{\"command\": \"echo $BERTH_BASE_PATH\"}");
    assertThat(exec.json().get("stdout").asString()).isEqualTo("/s/site/\n");

    assertThat(berth.admin("POST", "/api/v1/sessions/site/stop", null).status()).isEqualTo(200);
    assertThat(get("/s/site/", cookie).statusCode()).isEqualTo(503);
  }
}
