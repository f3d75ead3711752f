package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.EgressDestination;
import dev.berth.template.EgressPolicy;
import dev.berth.template.Template;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Egress policies on the real engine, with a session network of its own per session ({@link
 * DockerEgressSharedTest}: the same on shared networks). "The outside" is {@link Outside}: a
 * listener on the host and a web server in another container published on the host's address. A
 * session with {@code egress: all} reaches both (which shows they answer), one with {@code none}
 * reaches neither, not even the host at its bridge's gateway, while the test (standing for Berth on
 * the host) reaches its app at the container's address.
 */
class DockerEgressTest extends DockerTestBase {
  static Outside outside;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startTheOutside() throws Exception {
    // A session first: it builds the default image the outside's container runs.
    var probe =
        runtime.prepare(
            RuntimeSession.fresh(
                dev.berth.base.SessionId.generate(), Templates.plain("warm"), java.util.Map.of()));
    outside = Outside.start(engine, prefix, runtime.defaultImageReference());
    assertThat(probe.get("container")).isNotNull();
  }

  @AfterAll
  static void stopTheOutside() throws Exception {
    if (outside != null) {
      outside.close();
    }
  }

  static Template web(String name, EgressPolicy egress) {
    return Templates.web(name, 8080).toBuilder().egress(egress).build();
  }

  private String gateway(RuntimeSession s) {
    return container(s)
        .getNetworkSettings()
        .getNetworks()
        .get(s.state().get("network"))
        .getGateway();
  }

  private List<String> everythingOutside(RuntimeSession s) {
    var targets = new java.util.ArrayList<>(outside.hostTargets(gateway(s)));
    targets.add(outside.hostAddress + ":" + outside.containerPort);
    return targets;
  }

  private String fetchFrom(RuntimeSession s, String target) {
    String[] hp = target.split(":");
    var r = sh(s, Outside.fetch(hp[0], Integer.parseInt(hp[1])));
    return r.exitCode() == 0 ? out(r) : "(failed: exit " + r.exitCode() + ")";
  }

  @Test
  void aSessionWithEgressAllReachesTheHostAndTheOtherContainer() {
    RuntimeSession s = started(web("open", EgressPolicy.ALL));
    assertThat(fetchFrom(s, outside.hostAddress + ":" + outside.hostPort)).contains("host-outside");
    assertThat(fetchFrom(s, gateway(s) + ":" + outside.hostPort)).contains("host-outside");
    assertThat(fetchFrom(s, outside.hostAddress + ":" + outside.containerPort))
        .contains("container-outside");
  }

  @Test
  void aSessionWithEgressNoneReachesNothingOutsideYetItsAppAnswersTheHost() throws Exception {
    RuntimeSession s = started(web("closed", EgressPolicy.NONE));
    String network = s.state().get("network");
    var n = engine.client.inspectNetworkCmd().withNetworkId(network).exec();
    assertThat(n.getInternal()).as("network %s is internal", network).isTrue();
    assertThat(n.getOptions())
        .containsEntry(DockerProvisioner.NO_ICC_OPTION, "false")
        .hasEntrySatisfying(
            EgressNetworks.INTERNAL_BRIDGE_NAME,
            b -> assertThat(b).startsWith(HostFirewall.CLOSED));
    for (String target : everythingOutside(s)) {
      assertThat(fetchFrom(s, target)).as("egress none reached %s", target).startsWith("(failed");
    }
    // Nothing is published; Berth (the test, on the host) reaches the app where it listens.
    var published = container(s).getHostConfig().getPortBindings();
    assertThat(published == null ? java.util.Map.of() : published.getBindings()).isEmpty();
    write(s, "index.html", "closed but serving");
    URI app = endpoint(s, 8080).orElseThrow();
    assertThat(app.getHost())
        .isEqualTo(container(s).getNetworkSettings().getNetworks().get(network).getIpAddress());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        http.send(
                                HttpRequest.newBuilder(app.resolve("/index.html")).build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body())
                    .isEqualTo("closed but serving"));
    assertThat(read(s, "index.html")).isEqualTo("closed but serving");
  }

  @Test
  void aChangedPolicyRecreatesTheContainerOnTheRightNetwork() {
    RuntimeSession s = started(web("turns", EgressPolicy.ALL));
    assertThat(fetchFrom(s, outside.hostAddress + ":" + outside.hostPort)).contains("host-outside");
    write(s, "kept.txt", "workspace survives");
    String before = container(s).getId();
    RuntimeSession stopped = s.withState(runtime.stop(s, Duration.ofSeconds(1)));
    RuntimeSession closed = track(stopped.withState(stopped.state()));
    closed =
        new RuntimeSession(
            closed.id(),
            closed.handle(),
            web("turns", EgressPolicy.NONE),
            closed.labels(),
            closed.state());
    closed = track(closed.withState(runtime.start(closed).state()));
    assertThat(container(closed).getId()).as("recreated").isNotEqualTo(before);
    assertThat(
            engine
                .client
                .inspectNetworkCmd()
                .withNetworkId(closed.state().get("network"))
                .exec()
                .getInternal())
        .isTrue();
    assertThat(read(closed, "kept.txt")).isEqualTo("workspace survives");
    for (String target : everythingOutside(closed)) {
      assertThat(fetchFrom(closed, target))
          .as("egress none reached %s", target)
          .startsWith("(failed");
    }
  }

  @Test
  void anAllowListWithoutBerthsProxyIsRefusedBeforeAnythingIsMade() {
    Template t =
        web("allow", new EgressPolicy.Allow(List.of(EgressDestination.parse("pypi.org:443"))));
    var s = RuntimeSession.fresh(dev.berth.base.SessionId.generate(), t, java.util.Map.of());
    assertThat(runtime.preflight(s))
        .extracting(PreflightProblem::message)
        .anySatisfy(m -> assertThat(m).contains("runs no egress proxy"));
    assertThat(
            runtime.preflight(
                RuntimeSession.fresh(s.id(), web("closed", EgressPolicy.NONE), java.util.Map.of())))
        .as("none needs no proxy; this host can give it")
        .isEmpty();
  }
}
