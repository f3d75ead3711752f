package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Berth on a Docker engine reached over {@code tcp://} with mutual TLS, configured the standard way
 * ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}). The engine here
 * listens only on its unix socket, so the test puts a TLS endpoint in front of it: a small proxy on
 * 127.0.0.1 that demands a client certificate signed by the test's CA (as dockerd's {@code
 * --tlsverify} does) and relays bytes to the socket. Berth runs as a separate process so that it
 * reads those variables from its real environment.
 */
class DockerTlsTest {
  @TempDir Path dir;
  private Process berth;
  private ServerSocket proxy;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @AfterEach
  void stop() throws Exception {
    if (berth != null) {
      berth.destroy();
      berth.waitFor(20, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
    new ProcessBuilder(
            "sh",
            "-c",
            "docker rm -f $(docker ps -aq --filter name=btls-) 2>/dev/null; docker volume rm"
                + " $(docker volume ls -q --filter name=btls-) 2>/dev/null; docker network rm"
                + " btls-net 2>/dev/null; docker rmi btls/default:latest 2>/dev/null; true")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }

  private void openssl(String... args) throws Exception {
    var cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0)
        .as("openssl %s: %s", cmd, out)
        .isTrue();
  }

  /**
   * A CA, a server certificate for 127.0.0.1 and a client certificate, as dockerd's docs make them.
   */
  private void makeCertificates() throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=berth-test-ca",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem");
    Files.writeString(
        dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server-key.pem",
        "-out",
        "server.csr");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "server.ext",
        "-out",
        "server-cert.pem");
    openssl(
        "pkcs12",
        "-export",
        "-in",
        "server-cert.pem",
        "-inkey",
        "server-key.pem",
        "-passout",
        "pass:test",
        "-out",
        "server.p12");
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=berth",
        "-keyout",
        "key.pem",
        "-out",
        "client.csr");
    openssl(
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "client.ext",
        "-out",
        "cert.pem");
  }

  /** TLS on 127.0.0.1 with required client certificates, relayed to the engine's unix socket. */
  private int startTlsProxy() throws Exception {
    var keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      keys.load(in, "test".toCharArray());
    }
    var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "test".toCharArray());
    var trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    var server =
        (SSLServerSocket)
            tls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    proxy = server;
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket client = server.accept();
                  Thread.ofVirtual().start(() -> relay(client));
                } catch (IOException e) {
                  return; // closed at the end of the test
                }
              }
            });
    return server.getLocalPort();
  }

  private static void relay(Socket client) {
    try (client;
        var engine = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      engine.connect(UnixDomainSocketAddress.of("/var/run/docker.sock"));
      OutputStream toEngine = Channels.newOutputStream(engine);
      InputStream fromEngine = Channels.newInputStream(engine);
      Thread up = Thread.ofVirtual().start(() -> pump(client, engine, toEngine));
      fromEngine.transferTo(client.getOutputStream());
      // The engine is done (e.g. an exec ended): end the client's connection too, as dockerd
      // would; TLS sockets cannot half-close.
      client.close();
      up.join();
    } catch (Exception e) {
      // a connection ended; the other side sees it closed
    }
  }

  private static void pump(Socket client, SocketChannel engine, OutputStream toEngine) {
    try {
      client.getInputStream().transferTo(toEngine);
      engine.shutdownOutput(); // half-close: the engine may still be answering
    } catch (IOException e) {
      // a connection ended
    }
  }

  @Test
  void berthRunsSessionsOnATlsEngineConfiguredByTheStandardVariables() throws Exception {
    makeCertificates();
    int tlsPort = startTlsProxy();
    int berthPort;
    try (var free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      berthPort = free.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    var pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            BerthCli.class.getName(),
            "serve",
            "--backend",
            "docker",
            "--port",
            Integer.toString(berthPort));
    pb.environment().put("BERTH_HOME", dir.resolve("home").toString());
    pb.environment().put("BERTH_PREFIX", "btls");
    pb.environment().put("DOCKER_HOST", "tcp://127.0.0.1:" + tlsPort);
    pb.environment().put("DOCKER_TLS_VERIFY", "1");
    pb.environment().put("DOCKER_CERT_PATH", dir.toString());
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("berth.log").toFile());
    berth = pb.start();

    HttpClient http = HttpClient.newHttpClient();
    String url = "http://127.0.0.1:" + berthPort;
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(URI.create(url + "/api/v1/health")).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 200);
    String health =
        http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(health)
        .as(Files.readString(dir.resolve("berth.log")))
        .contains("\"defaultBackend\":\"docker\"");

    String token = Files.readString(dir.resolve("home/admin.token")).strip();
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"tls1\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    // On the shared network the container's name is opaque (docs/docker.md).
    assertThat(created.body())
        .contains("\"status\":\"RUNNING\"", "btls-session-")
        .doesNotContain("btls-session-default-tls1");

    HttpResponse<String> exec =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions/tls1/exec"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"echo over tls\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(exec.body()).contains("over tls");

    HttpResponse<String> deleted =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions/tls1"))
                .header("Authorization", "Bearer " + token)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.body()).contains("btls-default-tls1");
  }

  @Test
  void namedBackendsRunSideBySideAndASessionMovesBetweenThem() throws Exception {
    makeCertificates();
    int tlsPort = startTlsProxy();
    Path home = Files.createDirectories(dir.resolve("named"));
    // Explicit settings, not DOCKER_* variables: the remote engine is one of several backends.
    Files.writeString(
        home.resolve("berth.yaml"),
        "backend: remote\n"
            + "backends:\n"
            + "  remote: {kind: docker, host: 'tcp://127.0.0.1:"
            + tlsPort
            + "', tlsVerify: true, certPath: '"
            + dir
            + "'}\n");
    try (var berth = new TestServer(home, Map.of("BERTH_PREFIX", "btls"), "auto")) {
      JsonNode health = berth.admin("GET", "/api/v1/health", null).json();
      assertThat(health.get("defaultBackend").asString()).isEqualTo("remote");
      assertThat(health.get("backends").toString()).contains("local", "remote");

      var onRemote = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"far\"}");
      assertThat(onRemote.status()).as(onRemote.toString()).isEqualTo(201);
      assertThat(onRemote.json().at("/session/backend").asString()).isEqualTo("remote");
      var onLocal =
          berth.admin("POST", "/api/v1/sessions", "{\"id\": \"near\", \"backend\": \"local\"}");
      assertThat(onLocal.json().at("/session/backend").asString()).isEqualTo("local");
      berth.admin("PUT", "/api/v1/sessions/near/files/a.txt", "moved".getBytes(UTF_8));

      var moved = berth.admin("POST", "/api/v1/sessions/near/migrate", "{\"to\": \"remote\"}");
      assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
      var exec = berth.admin("POST", "/api/v1/sessions/near/exec", "{\"command\": \"cat a.txt\"}");
      assertThat(exec.json().get("stdout").asString()).isEqualTo("moved");
      assertThat(berth.admin("GET", "/api/v1/sessions", null).json().toString())
          .contains("\"backend\":\"remote\"")
          .doesNotContain("\"backend\":\"local\"");
    }
  }

  @Test
  void twoBackendsOnOneEngineAreRefusedAtStartUp() throws Exception {
    makeCertificates();
    int tlsPort = startTlsProxy();
    Path home = Files.createDirectories(dir.resolve("twins"));
    Files.writeString(
        home.resolve("berth.yaml"),
        "backends:\n"
            + "  docker-main: {kind: docker, host: 'unix:///var/run/docker.sock'}\n"
            + "  remote: {kind: docker, host: 'tcp://127.0.0.1:"
            + tlsPort
            + "', tlsVerify: true, certPath: '"
            + dir
            + "'}\n");
    assertThatThrownBy(() -> new TestServer(home, Map.of("BERTH_PREFIX", "btls"), "auto"))
        .hasMessageContaining("backends 'docker-main' and 'remote' reach the same Docker engine");

    Files.writeString(
        home.resolve("berth.yaml"), "backends:\n  odd: {kind: docker, tlsVerify: true, pool: 3}\n");
    assertThatThrownBy(() -> new TestServer(home, Map.of("BERTH_PREFIX", "btls"), "auto"))
        .hasMessageContaining("backend 'odd': unknown setting(s) [pool]");
  }
}
