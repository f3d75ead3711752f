package dev.berth.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Egress policies through a whole Berth on the real engine (shared networks, the default). "The
 * outside" is two listeners on the host's own address, {@code listed} and {@code unlisted}: an
 * {@code egress: none} session reaches neither yet its app answers through Berth's proxy and exec
 * and files work; an allow-list session reaches exactly {@code listed}, through Berth's egress
 * proxy (from {@code HTTP_PROXY} in its environment), and its events show both verdicts.
 */
class DockerEgressServerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final HttpClient http = HttpClient.newHttpClient();
  private String prefix;
  private String host;
  private ServerSocket listed;
  private ServerSocket unlisted;

  @TempDir Path home;
  private TestServer berth;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void start() throws Exception {
    prefix = "begr" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    host = hostAddress();
    listed = answering("listed");
    unlisted = answering("unlisted");
    Path closed = Files.createDirectories(home.resolve("templates/closed"));
    Files.writeString(
        closed.resolve("template.yaml"),
        """
        description: busybox httpd with no way out
        command: [/bin/busybox, httpd, -f, -p, "8080", -h, /workspace]
        ports: [8080]
        probe: {http: /, port: 8080, startTimeout: 30s}
        network: {egress: none}
        """);
    Files.createDirectories(closed.resolve("skeleton"));
    Files.writeString(closed.resolve("skeleton/index.html"), "closed app\n");
    Path proxied = Files.createDirectories(home.resolve("templates/proxied"));
    Files.writeString(
        proxied.resolve("template.yaml"),
        "description: out to one listener only\nnetwork: {egress: {allow: [\""
            + host
            + ":"
            + listed.getLocalPort()
            + "\"]}}\n");
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
  }

  @AfterEach
  void stop() throws Exception {
    berth.close();
    listed.close();
    unlisted.close();
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

  @Test
  void aSessionWithEgressNoneReachesNothingYetItsAppExecAndFilesWork() throws Exception {
    var created =
        berth.admin("POST", "/api/v1/sessions", "{\"id\":\"shut\",\"template\":\"closed\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String token = created.json().get("token").asString();

    // Its app, through Berth's browser proxy.
    HttpResponse<String> login = get("/s/shut/?token=" + token, null);
    assertThat(login.statusCode()).isEqualTo(303);
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    assertThat(get("/s/shut/", cookie).body()).isEqualTo("closed app\n");

    // Files and exec.
    assertThat(
            berth
                .call("PUT", "/api/v1/sessions/shut/files/note.txt", token, "kept".getBytes(UTF_8))
                .status())
        .isEqualTo(201);
    assertThat(
            new String(
                berth.call("GET", "/api/v1/sessions/shut/files/note.txt", token, null).body(),
                UTF_8))
        .isEqualTo("kept");
    assertThat(exec("shut", "cat note.txt").get("stdout").asString()).isEqualTo("kept");

    // Nothing outside: neither listener, at the host's address or its bridge's gateway.
    String gateway =
        exec("shut", "ip route | awk '/default/ {print $3}'").get("stdout").asString().strip();
    for (String target :
        List.of(
            host + ":" + listed.getLocalPort(),
            host + ":" + unlisted.getLocalPort(),
            (gateway.isEmpty() ? host : gateway) + ":" + listed.getLocalPort())) {
      JsonNode r = exec("shut", direct(target));
      assertThat(r.get("exitCode").asInt()).as("egress none reached %s: %s", target, r).isNotZero();
    }
  }

  @Test
  void anAllowListSessionReachesExactlyItsDestinationThroughTheProxyAndTheEventsSayIt()
      throws Exception {
    var created =
        berth.admin("POST", "/api/v1/sessions", "{\"id\":\"pip\",\"template\":\"proxied\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String good = host + ":" + listed.getLocalPort();
    String bad = host + ":" + unlisted.getLocalPort();

    JsonNode env = exec("pip", "echo $HTTP_PROXY $https_proxy $NO_PROXY");
    assertThat(env.get("stdout").asString())
        .matches("http://[0-9.]+:39128 http://[0-9.]+:39128 localhost,127.0.0.1,::1\\n");

    JsonNode viaProxy =
        exec(
            "pip",
            viaProxy(
                "GET http://" + good + "/simple HTTP/1.0\\r\\nHost: " + good + "\\r\\n\\r\\n"));
    assertThat(viaProxy.get("stdout").asString())
        .as(viaProxy.toString())
        .contains("listed got GET /simple");
    JsonNode tunnel =
        exec(
            "pip",
            viaProxy(
                "CONNECT " + good + " HTTP/1.1\\r\\n\\r\\nGET /tls-like HTTP/1.0\\r\\n\\r\\n"));
    assertThat(tunnel.get("stdout").asString())
        .contains("200 Connection established")
        .contains("listed got GET /tls-like");

    JsonNode refused = exec("pip", viaProxy("CONNECT " + bad + " HTTP/1.1\\r\\n\\r\\n"));
    assertThat(refused.get("stdout").asString())
        .startsWith("HTTP/1.1 403")
        .doesNotContain("unlisted got");
    JsonNode around = exec("pip", direct(good));
    assertThat(around.get("exitCode").asInt()).as("went around the proxy: %s", around).isNotZero();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<String> egress = new ArrayList<>();
              for (JsonNode e : berth.admin("GET", "/api/v1/sessions/pip/events", null).json()) {
                if (e.get("type").asString().equals("egress")) {
                  egress.add(e.get("message").asString());
                }
              }
              assertThat(egress)
                  .as("one event per destination and verdict")
                  .hasSize(2)
                  .anySatisfy(m -> assertThat(m).isEqualTo("egress to " + good + " allowed"))
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .startsWith(
                                  "egress to "
                                      + bad
                                      + " refused: not in the template's allow list"));
            });
  }

  private static String direct(String target) {
    String[] hp = target.split(":");
    return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + hp[0] + " " + hp[1];
  }

  /** Sends {@code request} (printf-escaped) to the proxy named in the session's HTTP_PROXY. */
  private static String viaProxy(String request) {
    return "p=${HTTP_PROXY#http://}; printf '" + request + "' | nc -w 5 ${p%:*} ${p##*:}";
  }

  private JsonNode exec(String id, String line) {
    var r =
        berth.admin(
            "POST",
            "/api/v1/sessions/" + id + "/exec",
            "{\"command\": " + TestServer.JSON.writeValueAsString(line) + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(berth.url() + path));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  /** Answers every connection with its name and the request line it got. */
  private static ServerSocket answering(String word) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(0));
    Thread.ofVirtual()
        .start(
            () -> {
              while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                  c.setSoTimeout(5_000);
                  byte[] buf = new byte[4096];
                  int n = c.getInputStream().read(buf);
                  String first = new String(buf, 0, Math.max(0, n), ISO_8859_1).split("\r\n")[0];
                  c.getOutputStream()
                      .write(
                          ("HTTP/1.0 200 OK\r\n\r\n" + word + " got " + first + "\n")
                              .getBytes(ISO_8859_1));
                } catch (IOException e) {
                  // closed, or the client went away
                }
              }
            });
    return s;
  }

  private static String hostAddress() throws IOException {
    for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      String n = i.getName();
      if (!i.isUp()
          || i.isLoopback()
          || n.startsWith("docker")
          || n.startsWith("br-")
          || n.startsWith("bth")
          || n.startsWith("veth")) {
        continue;
      }
      for (InetAddress a : Collections.list(i.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return a.getHostAddress();
        }
      }
    }
    throw new IllegalStateException("no IPv4 address besides loopback and bridges");
  }
}
