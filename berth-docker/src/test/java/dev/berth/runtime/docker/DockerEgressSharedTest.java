package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeSession;
import dev.berth.template.EgressPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link DockerEgressTest} with {@code dockerNetworks: shared} (the default). */
class DockerEgressSharedTest extends DockerEgressTest {
  @BeforeAll
  static void shareTheNetworks() {
    runtime = DockerTestSupport.runtime(engine, prefix, SessionNetworks.SHARED_NO_ICC);
  }

  @Test
  void sessionsWithEgressNoneShareAnInternalNetworkApartFromTheOthers() {
    RuntimeSession open = started(web("open", EgressPolicy.ALL));
    RuntimeSession a = started(web("closed", EgressPolicy.NONE));
    RuntimeSession b = started(web("closed", EgressPolicy.NONE));
    assertThat(open.state().get("network")).isEqualTo(prefix + "-net");
    assertThat(a.state().get("network")).isEqualTo(prefix + "-net-closed");
    assertThat(b.state().get("network")).isEqualTo(prefix + "-net-closed");
    var network = engine.client.inspectNetworkCmd().withNetworkId(prefix + "-net-closed").exec();
    assertThat(network.getLabels())
        .containsEntry(DockerLabels.INSTANCE, instance())
        .containsEntry(EgressNetworks.LABEL_EGRESS, "none")
        .doesNotContainKey(DockerLabels.SESSION);
    write(b, "index.html", "b's page");
    String ipB =
        container(b).getNetworkSettings().getNetworks().get(prefix + "-net-closed").getIpAddress();
    var fromA = sh(a, Outside.fetch(ipB, 8080));
    assertThat(fromA.exitCode()).as("A reached its neighbour B: %s", out(fromA)).isNotZero();
  }
}
