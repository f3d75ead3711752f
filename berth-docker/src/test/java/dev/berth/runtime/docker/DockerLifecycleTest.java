package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.template.ResourceLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lifecycle, names, labels, hardening, ports and isolation on the real engine. */
class DockerLifecycleTest extends DockerTestBase {

  /** What {@code HostConfig.Runtime} of this class's session containers says. */
  String expectedEngineRuntime() {
    return "runc";
  }

  /** Whether the session's /proc/self/status has a NoNewPrivs line (the host kernel's has). */
  boolean procShowsNoNewPrivs() {
    return true;
  }

  /** The engine's pids limit for a template's {@code pids}: the same under runc. */
  long expectedEnginePidsLimit(int templatePids) {
    return templatePids;
  }

  @Test
  void everyResourceHasItsDesignNameAndAllFourLabels() {
    RuntimeSession s = prepared(Templates.plain("plain"));
    String id = s.id().value();
    RuntimeState state = s.state();
    assertThat(state.values())
        .containsEntry("container", prefix + "-session-plain-" + id)
        .containsEntry("volume", prefix + "-plain-" + id)
        .containsEntry("network", prefix + "-net-plain-" + id)
        .containsKeys("containerId", "image");
    assertThat(state.version()).isEqualTo(DockerRuntime.STATE_VERSION);

    Map<String, String> expected =
        Map.of(
            DockerLabels.SESSION,
            id,
            DockerLabels.TEMPLATE,
            "plain",
            DockerLabels.INSTANCE,
            instance());
    assertThat(container(s).getConfig().getLabels())
        .containsAllEntriesOf(expected)
        .containsEntry(DockerLabels.TYPE, "session");
    assertThat(engine.client.inspectVolumeCmd(state.get("volume")).exec().getLabels())
        .containsAllEntriesOf(expected)
        .containsEntry(DockerLabels.TYPE, "workspace")
        .containsKey(DockerLabels.CREATED);
    assertThat(
            engine
                .client
                .inspectNetworkCmd()
                .withNetworkId(state.get("network"))
                .exec()
                .getLabels())
        .containsAllEntriesOf(expected)
        .containsEntry(DockerLabels.TYPE, "network");
  }

  @Test
  void aPreparedSessionRunsNothingButItsFilesWork() {
    RuntimeSession s = prepared(Templates.plain("plain"));
    assertThat(container(s).getState().getRunning()).isFalse();
    assertThat(runtime.inspect(s)).isInstanceOf(ObservedState.Prepared.class);
    write(s, "notes/todo.txt", "warm");
    assertThat(read(s, "notes/todo.txt")).isEqualTo("warm");
    assertCode(() -> sh(s, "true"), ErrorCode.CONFLICT);
    assertThat(runtime.prepare(s)).as("prepare is idempotent").isEqualTo(s.state());

    RuntimeSession started = s.withState(runtime.start(s).state());
    assertThat(read(started, "notes/todo.txt")).isEqualTo("warm");
    assertThat(out(sh(started, "cat notes/todo.txt"))).isEqualTo("warm");
  }

  @Test
  void stopDoesNotWaitOutItsGraceAndStartStopStartKeepsData() {
    RuntimeSession s = started(Templates.plain("plain"));
    write(s, "kept.txt", "1");
    Instant before = Instant.now();
    RuntimeSession stopped = s.withState(runtime.stop(s, Duration.ofSeconds(30)));
    assertThat(Duration.between(before, Instant.now()))
        .as("Init: true forwards SIGTERM, so stop does not wait out its 30 s grace")
        .isLessThan(Duration.ofSeconds(15));
    assertThat(runtime.inspect(stopped)).isInstanceOf(ObservedState.Prepared.class);
    assertThat(read(stopped, "kept.txt")).isEqualTo("1");

    RuntimeSession again = stopped.withState(runtime.start(stopped).state());
    assertThat(runtime.inspect(again)).isInstanceOf(ObservedState.Running.class);
    assertThat(out(sh(again, "cat kept.txt"))).isEqualTo("1");
  }

  @Test
  void limitsAndHardeningAreWhatTheEngineRuns() {
    var t =
        Templates.of(
            "hard",
            Optional.empty(),
            List.of(),
            List.of(),
            new ResourceLimits(0.5, 64L << 20, 50),
            List.of("NET_BIND_SERVICE"));
    RuntimeSession s = started(t);
    var host = container(s).getHostConfig();
    assertThat(host.getRuntime()).as("the engine runtime").isEqualTo(expectedEngineRuntime());
    assertThat(host.getInit()).isTrue();
    assertThat(host.getPrivileged()).isFalse();
    assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(host.getMemory()).isEqualTo(64L << 20);
    assertThat(host.getPidsLimit()).isEqualTo(expectedEnginePidsLimit(50));
    assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
    assertThat(host.getCapAdd()).containsExactly(Capability.NET_BIND_SERVICE);
    assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
    assertThat(container(s).getMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getDestination().getPath()).isEqualTo("/workspace"));

    // and inside: only CAP_NET_BIND_SERVICE (bit 10) is effective, no new privileges
    String status = out(sh(s, "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status"));
    assertThat(status).contains("CapEff:\t0000000000000400");
    if (procShowsNoNewPrivs()) {
      assertThat(status).contains("NoNewPrivs:\t1");
    }
  }

  @Test
  void withALocalEngineAnAppIsReachedAtItsAddressAndNothingIsPublished() throws Exception {
    RuntimeSession s = started(Templates.web("web", 8080));
    write(s, "index.html", "hello from the session");
    URI endpoint = endpoint(s, 8080).orElseThrow();
    String ip =
        container(s)
            .getNetworkSettings()
            .getNetworks()
            .get(s.state().get("network"))
            .getIpAddress();
    assertThat(endpoint).isEqualTo(URI.create("http://" + ip + ":8080/"));
    assertThat(s.state().get("port.8080")).as("no host port to remember").isNull();
    assertThat(publishedPorts(s))
        .as("no port published on the host, so no docker-proxy and no way in around Berth")
        .isEmpty();
    assertThat(
            container(s).getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(8080)))
        .isNull();
    assertAnswers(endpoint, "hello from the session");
  }

  @Test
  void withPublishingAlwaysAnAppPortIsPublishedOnLoopbackOnly() throws Exception {
    DockerRuntime publishing =
        DockerTestSupport.runtime(
            engine,
            prefix,
            SessionNetworks.PER_SESSION,
            PortPublishing.Mode.ALWAYS,
            DnsNames.random());
    RuntimeSession fresh =
        track(
            RuntimeSession.fresh(
                dev.berth.base.SessionId.generate(), Templates.web("web", 8080), Map.of()));
    RuntimeSession p = track(fresh.withState(publishing.prepare(fresh)));
    var result = publishing.start(p);
    RuntimeSession s = track(p.withState(result.state()));
    write(s, "index.html", "hello from the session");
    URI endpoint = result.endpoints().get(8080);
    assertThat(endpoint.toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
    assertThat(s.state().get("port.8080")).isEqualTo(Integer.toString(endpoint.getPort()));
    var bindings =
        container(s).getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(8080));
    assertThat(bindings)
        .isNotEmpty()
        .allSatisfy(b -> assertThat(b.getHostIp()).isEqualTo("127.0.0.1"));
    assertAnswers(endpoint, "hello from the session");
    assertThat(publishing.inspect(s))
        .isInstanceOfSatisfying(
            ObservedState.Running.class,
            r -> assertThat(r.endpoints()).containsEntry(8080, endpoint));

    // The same session started by a Berth that publishes nothing gets a container without ports.
    RuntimeSession stopped = s.withState(publishing.stop(s, Duration.ofSeconds(5)));
    RuntimeSession again = track(stopped.withState(runtime.start(stopped).state()));
    assertThat(publishedPorts(again)).isEmpty();
    assertThat(again.state().get("containerId")).isNotEqualTo(s.state().get("containerId"));
    assertAnswers(endpoint(again, 8080).orElseThrow(), "hello from the session");
  }

  private static void assertAnswers(URI endpoint, String body) {
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    var request = HttpRequest.newBuilder(endpoint.resolve("/index.html")).build();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo(body));
  }

  @Test
  void oneSessionCannotReachAnothersPort() {
    RuntimeSession a = started(Templates.plain("plain"));
    RuntimeSession b = started(Templates.web("web", 8080));
    write(b, "index.html", "b's page");
    String ipB =
        container(b)
            .getNetworkSettings()
            .getNetworks()
            .get(b.state().get("network"))
            .getIpAddress();
    assertThat(ipB).isNotBlank();
    // busybox nc, not wget: static busybox's wget crashes on a scratch image (no NSS files)
    String fetch = "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + ipB + " 8080";

    // the server answers on its own network...
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(out(sh(b, fetch))).endsWith("b's page"));
    // ...but not from another session's network
    var fromA = sh(a, fetch);
    assertThat(fromA.exitCode()).as("nc from A: %s", out(fromA)).isNotZero();
    assertThat(out(fromA)).doesNotContain("b's page");
    // nor through the host: nothing of B's is published there
    assertThat(publishedPorts(b)).isEmpty();
    var networkA = container(a).getNetworkSettings().getNetworks().get(a.state().get("network"));
    var viaHost =
        sh(
            a,
            "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 "
                + networkA.getGateway()
                + " 8080");
    assertThat(out(viaHost)).doesNotContain("b's page");
  }

  @Test
  void inspectFollowsWhatHappensToTheResources() {
    RuntimeSession s = started(Templates.plain("plain"));
    engine.client.removeContainerCmd(s.state().get("containerId")).withForce(true).exec();
    assertThat(runtime.inspect(s))
        .as("started, container gone: exited")
        .isInstanceOf(ObservedState.Exited.class);
    RuntimeSession restarted = s.withState(runtime.start(s).state());
    assertThat(runtime.inspect(restarted))
        .as("a lost container is recreated on the same volume")
        .isInstanceOf(ObservedState.Running.class);

    runtime.destroy(restarted);
    assertThat(runtime.inspect(restarted)).isInstanceOf(ObservedState.Missing.class);
  }

  @Test
  void anUnreachableEngineGivesUnknownNotAGuess() {
    RuntimeSession s = prepared(Templates.plain("plain"));
    try (var offline = new DockerRuntime("tcp://127.0.0.1:1", prefix, instance())) {
      assertThat(offline.inspect(s)).isInstanceOf(ObservedState.Unknown.class);
      assertThat(offline.ping()).isNotNull();
      var report = offline.destroy(s);
      assertThat(report.complete()).as("destroy reports, never throws").isFalse();
      assertThat(report.removed()).isEmpty();
    }
    assertThat(runtime.ping()).isNull();
  }

  @Test
  @org.junit.jupiter.api.Timeout(90) // without the bound these calls would never return
  void anEngineThatAcceptsButNeverAnswersOverTcpGivesUpWithinTheQuickBound() throws Exception {
    // A listening socket nobody reads: the connection is made, the answer never comes (a frozen
    // dockerd). The reconciler inspects under the session's lock, so this must not hang.
    try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertGivesUp("tcp://127.0.0.1:" + silent.getLocalPort());
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(90)
  void anEngineThatAcceptsButNeverAnswersOnAUnixSocketGivesUpWithinTheQuickBound()
      throws Exception {
    // docker-java's unix-socket transport ignores HTTP client response timeouts: the bound must
    // come from Berth itself.
    java.nio.file.Path socket = java.nio.file.Files.createTempDirectory("hung").resolve("d.sock");
    try (var silent =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      silent.bind(java.net.UnixDomainSocketAddress.of(socket), 50);
      assertGivesUp("unix://" + socket);
    } finally {
      java.nio.file.Files.deleteIfExists(socket);
      java.nio.file.Files.deleteIfExists(socket.getParent());
    }
  }

  private void assertGivesUp(String host) {
    RuntimeSession s = prepared(Templates.plain("plain"));
    Duration bound = DockerEngine.QUICK_RESPONSE.plusSeconds(15);
    try (var hung = new DockerRuntime(host, prefix, instance())) {
      long t0 = System.nanoTime();
      ObservedState observed = hung.inspect(s);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(bound);
      assertThat(observed).isInstanceOf(ObservedState.Unknown.class);
      assertThat(((ObservedState.Unknown) observed).error()).contains("did not inspect volume");

      long t1 = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(hung::listOwned)
          .as("listing Berth's resources (the orphan pass) gives up too")
          .isInstanceOf(dev.berth.base.BerthException.class)
          .hasMessageContaining("did not list Berth's resources");
      assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(bound);
    }
  }

  @Test
  void logTailReadsTheContainerLog() {
    var t =
        Templates.of(
            "talk",
            Optional.empty(),
            List.of("sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done; exec sleep infinity"),
            List.of(),
            ResourceLimits.NONE,
            List.of());
    RuntimeSession s = started(t);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(runtime.logTail(s, 2)).isEqualTo("line4\nline5"));
  }

  @Test
  void anExitedAppReportsItsExitCode() {
    var t =
        Templates.of(
            "dies",
            Optional.empty(),
            List.of("sh", "-c", "exit 3"),
            List.of(),
            ResourceLimits.NONE,
            List.of());
    RuntimeSession s = started(t);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(runtime.inspect(s))
                    .isInstanceOfSatisfying(
                        ObservedState.Exited.class, e -> assertThat(e.exitCode()).hasValue(3)));
  }
}
