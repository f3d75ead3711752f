package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.StartResult;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.Template;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints through port-forwards, for a Berth outside the cluster ({@code kubernetesEndpoints:
 * port-forward}). fabric8's mock API server ({@link MockCluster}) and the {@link KubeletStandIn}
 * replace a cluster: the mock hands each {@code pods/<name>/portforward} WebSocket to the stand-in,
 * which speaks the Kubernetes port-forward protocol (port frames, then data on channel 0, errors on
 * channel 1) and relays the bytes to the app's port inside the pod's Docker container. The runtime
 * side is real: fabric8's own port-forward client, real local listeners, a real HTTP server in the
 * pod, a real HTTP client here.
 *
 * <p>What this proves: a running session's endpoint is {@code http://127.0.0.1:<port>/} and serves
 * the app's page; a fresh runtime (a restarted Berth) gives the still-running session working
 * endpoints again; a pod that ends closes its listener and its replacement gets the same local port
 * back; stop, destroy and closing the runtime leave no listener and no forwarding thread. What it
 * does not prove: a real API server's and kubelet's port-forward, or RBAC on {@code
 * pods/portforward}; those need a real cluster (docs/kubernetes.md).
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesPortForwardTest {
  static final String NS = "berth-pf";
  static final String PAGE = "hello-through-a-port-forward";
  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesOptions options;
  static String tag;
  @TempDir static Path imageContext;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    tag = "berthk8spf" + Long.toString(new SecureRandom().nextLong() & 0xffffL, 36);
    kubelet = new KubeletStandIn(cluster, NS, tag);
    options =
        KubernetesOptions.defaults(NS, "pf", "test-" + tag)
            .withDefaultImage(image)
            .withStartTimeout(Duration.ofSeconds(60))
            .withEndpoints(EndpointMode.PORT_FORWARD);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      kubelet.close();
      cluster.close();
    }
  }

  private static Template web() {
    return TestTemplates.with(
        "web",
        Optional.empty(),
        List.of(
            "sh",
            "-c",
            "echo " + PAGE + " > /workspace/index.html && exec httpd -f -p 8080 -h /workspace"),
        List.of(8080),
        Optional.empty(),
        Optional.empty());
  }

  private String fetch(URI endpoint) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The page through the endpoint, retried while httpd in the new pod is still starting. */
  private void awaitPage(URI endpoint) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(fetch(endpoint)).contains(PAGE));
  }

  /**
   * Nothing listens on the endpoint's port any more, within a few seconds. Not a single try: CI
   * once saw one connect succeed right after the close (not reproduced here: 20,000 rounds of bind,
   * close, connect on this machine never connected), so a port that goes quiet a moment later
   * passes, and one that keeps answering fails.
   */
  private static void assertNoListener(URI endpoint) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () -> {
                          try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 2000);
                          }
                        })
                    .isInstanceOf(ConnectException.class));
  }

  /** Threads running fabric8's port-forward code: accept loops and per-connection pumps. */
  private static long forwardingThreads() {
    return Thread.getAllStackTraces().values().stream()
        .filter(
            stack ->
                Arrays.stream(stack)
                    .anyMatch(
                        f ->
                            f.getClassName()
                                .startsWith(
                                    "io.fabric8.kubernetes.client.dsl.internal.PortForward")))
        .count();
  }

  private static Map<Integer, URI> running(KubernetesRuntime runtime, RuntimeSession s) {
    ObservedState state = runtime.inspect(s);
    assertThat(state).isInstanceOf(ObservedState.Running.class);
    return ((ObservedState.Running) state).endpoints();
  }

  @Test
  void aRunningSessionsPageComesThroughALocalPortForwardThatFollowsItsLifecycle() throws Exception {
    long threadsBefore = forwardingThreads();
    var first = new KubernetesRuntime(cluster.client, options);
    var fresh = RuntimeSession.fresh(SessionId.generate(), web(), Map.of("suite", "pf"));
    RuntimeSession s = fresh.withState(first.prepare(fresh));
    StartResult firstStart = first.start(s);
    s = s.withState(firstStart.state());

    URI endpoint = running(first, s).get(8080);
    assertThat(firstStart.endpoints()).containsEntry(8080, endpoint); // start answers them
    assertThat(endpoint.getScheme()).isEqualTo("http");
    assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
    assertThat(endpoint.getPath()).isEqualTo("/");
    awaitPage(endpoint);
    assertThat(forwardingThreads()).isGreaterThan(threadsBefore); // the listener's accept loop
    assertThat(running(first, s)).containsEntry(8080, endpoint); // stable while the pod runs
    assertThat(running(first, s)).doesNotContainKey(9999);

    // A restarted Berth: a new runtime knows nothing of the old one's listeners and opens its own.
    var second = new KubernetesRuntime(cluster.client, options);
    URI again = running(second, s).get(8080);
    assertThat(again.getHost()).isEqualTo("127.0.0.1");
    assertThat(again.getPort()).isNotEqualTo(endpoint.getPort()); // the old one still listens
    awaitPage(again);
    first.close(); // the old Berth exits: its listener goes with it
    assertNoListener(endpoint);
    assertThat(fetch(again)).contains(PAGE);

    // The pod ends (its container dies): the listener closes; the restarted pod gets its port back.
    String pod = s.state().get("name");
    var ps = KubeletStandIn.docker(List.of("ps", "-q", "--filter", "name=" + tag + "-" + pod));
    assertThat(ps.out()).isNotEmpty();
    KubeletStandIn.docker(List.of("kill", ps.out()));
    RuntimeSession ended = s;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.inspect(ended) instanceof ObservedState.Exited);
    assertThat(second.forwardedSessions()).isEmpty();
    assertNoListener(again);
    StartResult restart = second.start(s); // what the reconciler does for restart: on-failure
    s = s.withState(restart.state());
    assertThat(restart.endpoints()).containsEntry(8080, again);
    assertThat(running(second, s)).containsEntry(8080, again);
    awaitPage(again);

    // Stop closes the listener; no endpoints while stopped.
    RuntimeSession stopped = s.withState(second.stop(s, Duration.ofSeconds(1)));
    assertNoListener(again);
    assertThat(second.forwardedSessions()).isEmpty();
    // Prepared: no endpoints (only a Running state has any)
    assertThat(second.inspect(stopped)).isInstanceOf(ObservedState.Prepared.class);

    // Started again, then destroyed: nothing listens and no forwarding thread is left.
    StartResult thirdStart = second.start(stopped);
    s = stopped.withState(thirdStart.state());
    URI third = thirdStart.endpoints().get(8080);
    assertThat(running(second, s)).containsEntry(8080, third);
    awaitPage(third);
    second.destroy(s);
    assertNoListener(third);
    assertThat(second.forwardedSessions()).isEmpty();
    second.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(forwardingThreads()).isLessThanOrEqualTo(threadsBefore));
  }

  @Test
  void autoMeansServiceInAPodAndPortForwardElsewhere() {
    assertThat(EndpointMode.AUTO.resolve(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")))
        .isEqualTo(EndpointMode.SERVICE);
    assertThat(EndpointMode.AUTO.resolve(Map.of())).isEqualTo(EndpointMode.PORT_FORWARD);
    assertThat(EndpointMode.SERVICE.resolve(Map.of())).isEqualTo(EndpointMode.SERVICE);
    assertThat(EndpointMode.PORT_FORWARD.resolve(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")))
        .isEqualTo(EndpointMode.PORT_FORWARD);
    assertThat(EndpointMode.parse("port-forward")).contains(EndpointMode.PORT_FORWARD);
    assertThat(EndpointMode.parse("nodeport")).isEmpty();
    try (var outside =
        new KubernetesRuntime(cluster.client, options.withEndpoints(EndpointMode.AUTO))) {
      assertThat(outside.endpointMode())
          .isEqualTo(EndpointMode.AUTO.resolve(System.getenv())); // this JVM's own environment
    }
  }
}
