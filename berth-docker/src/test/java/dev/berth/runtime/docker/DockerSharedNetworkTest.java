package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.berth.base.ErrorCode;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import java.time.Duration;
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
    int hostPortB = endpoint(b, 8080).orElseThrow().getPort();
    assertThat(out(sh(a, fetch(netB.getGateway(), hostPortB)))).doesNotContain("b's page");
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
