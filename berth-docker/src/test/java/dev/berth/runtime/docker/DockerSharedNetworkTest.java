package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SessionNetworks#SHARED_NO_ICC}: one network, sessions still apart. */
class DockerSharedNetworkTest extends DockerTestBase {
  @BeforeAll
  static void shareTheNetwork() {
    runtime = DockerTestSupport.runtime(engine, prefix, SessionNetworks.SHARED_NO_ICC);
  }

  private static String fetch(String ip, int port) {
    return "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + ip + " " + port;
  }

  @Test
  void sessionsShareOneNetworkYetCannotReachEachOther() {
    RuntimeSession a = started(Templates.plain("plain"));
    RuntimeSession b = started(Templates.web("web", 8080));
    String shared = prefix + "-net";
    assertThat(a.state().get("network")).isEqualTo(shared);
    assertThat(b.state().get("network")).isEqualTo(shared);
    var network = engine.client.inspectNetworkCmd().withNetworkId(shared).exec();
    assertThat(network.getOptions()).containsEntry(DockerProvisioner.NO_ICC_OPTION, "false");
    assertThat(network.getLabels())
        .containsEntry(DockerLabels.INSTANCE, instance())
        .doesNotContainKey(DockerLabels.SESSION);

    write(b, "index.html", "b's page");
    var netB = container(b).getNetworkSettings().getNetworks().get(shared);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(out(sh(b, fetch(netB.getIpAddress(), 8080)))).endsWith("b's page"));
    var fromA = sh(a, fetch(netB.getIpAddress(), 8080));
    assertThat(fromA.exitCode()).as("A reached B: %s", out(fromA)).isNotZero();
    assertThat(endpoint(b, 8080)).hasValue(URI.create("http://" + netB.getIpAddress() + ":8080/"));
    assertThat(publishedPorts(b)).as("nothing published on the host").isEmpty();
    assertThat(sh(a, fetch(netB.getGateway(), 8080)).exitCode()).isNotZero();
  }

  /**
   * Docker's embedded DNS answers every container on the shared network for every name and address
   * there: neither a reverse lookup of B's address nor a lookup of the names Berth used to give B
   * (its container name, its hostname) may tell A who B is.
   */
  @Test
  void sessionsCannotTellWhoTheirNeighboursAreThroughDockersDns() {
    RuntimeSession a = started(Templates.plain("plain"));
    RuntimeSession b = started(Templates.web("secretapp", 8080));
    String idB = b.id().value();
    String ipB =
        container(b).getNetworkSettings().getNetworks().get(prefix + "-net").getIpAddress();

    String reverse = lookup(a, ipB);
    assertThat(reverse).as("the lookup itself worked").contains("Server:");
    assertThat(reverse).doesNotContain(idB).doesNotContain("secretapp");
    for (String name :
        List.of(idB, prefix + "-session-secretapp-" + idB, idB + "." + prefix + "-net")) {
      assertThat(lookup(a, name)).as("lookup of %s", name).doesNotContain(ipB);
    }
    assertThat(b.state().get("container")).matches(prefix + "-session-[0-9a-f]{16}");
    assertThat(out(sh(b, "hostname")).strip()).isEqualTo(b.state().get("container"));
    assertThat(container(b).getConfig().getLabels())
        .as("the labels still say whose it is")
        .containsEntry(DockerLabels.SESSION, idB)
        .containsEntry(DockerLabels.TEMPLATE, "secretapp");
  }

  /** A container an earlier Berth named after its session is renamed at its next start. */
  @Test
  void aContainerNamedAfterItsSessionGetsAnOpaqueNameAtItsNextStart() {
    var fresh =
        track(RuntimeSession.fresh(SessionId.generate(), Templates.plain("oldname"), Map.of()));
    String revealing = prefix + "-session-oldname-" + fresh.id().value();
    var old = fresh.withState(RuntimeState.EMPTY.with(DockerNames.KEY_CONTAINER, revealing));
    RuntimeSession prepared = track(old.withState(runtime.prepare(old)));
    assertThat(prepared.state().get("container")).isEqualTo(revealing);

    RuntimeSession s = track(prepared.withState(runtime.start(prepared).state()));
    assertThat(s.state().get("container")).matches(prefix + "-session-[0-9a-f]{16}");
    assertThat(runtime.inspect(s)).isInstanceOf(ObservedState.Running.class);
    assertThat(
            engine.client.listContainersCmd().withShowAll(true).exec().stream()
                .flatMap(c -> List.of(c.getNames()).stream()))
        .doesNotContain("/" + revealing);
  }

  /**
   * Berth's API listens on the host's loopback by default; a session reaches neither that nor its
   * own loopback's copy of the port.
   */
  @Test
  void aSessionCannotReachWhatListensOnTheHostsLoopback() throws Exception {
    RuntimeSession a = started(Templates.plain("plain"));
    String gateway =
        container(a).getNetworkSettings().getNetworks().get(prefix + "-net").getGateway();
    try (var api = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = api.getLocalPort();
      for (String host : List.of(gateway, "127.0.0.1")) {
        var probe = sh(a, "nc -z -w 3 " + host + " " + port);
        assertThat(probe.exitCode()).as("nc -z %s %d", host, port).isNotZero();
      }
    }
  }

  private static String lookup(RuntimeSession s, String what) {
    var r = sh(s, "nslookup " + what + " 2>&1");
    return out(r);
  }

  @Test
  void destroyLeavesTheSharedNetworkAndListOwnedDoesNotShowIt() {
    RuntimeSession a = started(Templates.plain("plain"));
    RuntimeSession b = started(Templates.plain("plain"));
    CleanupReport report = runtime.destroy(a);
    assertThat(report.failed()).isEmpty();
    assertThat(report.removed())
        .extracting(CleanupReport.RemovedResource::kind, CleanupReport.RemovedResource::name)
        .containsExactlyInAnyOrder(
            tuple("container", a.state().get("container")),
            tuple("volume", a.state().get("volume")));
    engine.client.inspectNetworkCmd().withNetworkId(prefix + "-net").exec();
    assertThat(runtime.inspect(b)).isInstanceOf(ObservedState.Running.class);
    assertThat(runtime.listOwned())
        .noneMatch(r -> r.kind().equals("network"))
        .anyMatch(r -> r.handle().equals(b.id().value()));
  }

  @Test
  void aNetworkOfThatNameWithTrafficAllowedIsNotJoined() {
    String otherPrefix = DockerTestSupport.newPrefix();
    try {
      engine.client.createNetworkCmd().withName(otherPrefix + "-net").withLabels(Map.of()).exec();
      var other = DockerTestSupport.runtime(engine, otherPrefix, SessionNetworks.SHARED_NO_ICC);
      var s =
          track(
              RuntimeSession.fresh(
                  dev.berth.base.SessionId.generate(), Templates.plain("p"), Map.of()));
      assertCode(() -> other.prepare(s), ErrorCode.CONFLICT);
    } finally {
      DockerTestSupport.removeEverything(engine, otherPrefix);
    }
  }
}
