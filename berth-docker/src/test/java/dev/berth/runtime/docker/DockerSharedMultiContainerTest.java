package dev.berth.runtime.docker;

import static dev.berth.runtime.docker.DockerMultiContainerTest.awaitResult;
import static dev.berth.runtime.docker.DockerMultiContainerTest.byType;
import static dev.berth.runtime.docker.DockerMultiContainerTest.fetch;
import static dev.berth.runtime.docker.DockerMultiContainerTest.shIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.RuntimeSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions of several containers with {@link SessionNetworks#SHARED_NO_ICC}: the session's
 * containers reach each other by type on a network of their own, show only opaque names on the
 * shared one, and sessions still cannot reach each other.
 */
class DockerSharedMultiContainerTest extends DockerTestBase {
  @BeforeAll
  static void shareTheNetwork() {
    runtime = DockerTestSupport.runtime(engine, prefix, SessionNetworks.SHARED_NO_ICC);
  }

  @Test
  void containersAreOpaquelyNamedAndReachEachOtherByTypeOnTheirOwnNetwork() {
    RuntimeSession s = started(Pipelines.threeContainers("pipe"));
    String id = s.id().value();
    awaitResult(s);
    Map<String, ContainerStatus> seen = byType(s);
    for (String type : List.of("processor", "plugin", "merger")) {
      assertThat(seen.get(type).name()).matches(prefix + "-" + type + "-[0-9a-f]{16}");
    }
    String links = prefix + "-net-pipe-" + id;
    assertThat(s.state().get(SessionSidecars.KEY_LINKS_NETWORK)).isEqualTo(links);
    assertThat(container(s).getNetworkSettings().getNetworks().keySet())
        .containsExactlyInAnyOrder(prefix + "-net", links);
    var plugin = engine.client.inspectContainerCmd(seen.get("plugin").name()).exec();
    assertThat(plugin.getNetworkSettings().getNetworks().keySet())
        .as("extra containers are not on the shared network at all")
        .containsExactly(links);

    assertThat(out(sh(s, fetch("plugin", Pipelines.PLUGIN_PORT, "out.txt"))))
        .endsWith("HELLO PIPELINE\n");
    String mainOnLinks = container(s).getNetworkSettings().getNetworks().get(links).getIpAddress();
    assertThat(out(shIn(s, "merger", "nslookup session 127.0.0.11"))).contains(mainOnLinks);

    CleanupReport report = runtime.destroy(s);
    assertThat(report.complete()).isTrue();
    assertThat(report.removed())
        .extracting(CleanupReport.RemovedResource::kind, CleanupReport.RemovedResource::name)
        .contains(
            org.assertj.core.api.Assertions.tuple("container", seen.get("plugin").name()),
            org.assertj.core.api.Assertions.tuple("network", links));
    assertThat(engine.client.listNetworksCmd().withNameFilter(prefix + "-net").exec())
        .as("the shared network stays")
        .anySatisfy(n -> assertThat(n.getName()).isEqualTo(prefix + "-net"));
  }

  @Test
  void twoPipelinesOnTheSharedNetworkCannotReachOrNameEachOther() {
    RuntimeSession a = started(Pipelines.threeContainers("pipe"));
    RuntimeSession b = started(Pipelines.threeContainers("pipe"));
    awaitResult(a);
    awaitResult(b);
    ContainerStatus pluginB = byType(b).get("plugin");
    String ipPluginB = pluginB.probeAddresses().get(Pipelines.PLUGIN_PORT).getHost();
    String ipMainB =
        container(b).getNetworkSettings().getNetworks().get(prefix + "-net").getIpAddress();
    // B's plugin serves; nobody of A reaches it, by address or by name
    assertThat(out(shIn(b, "merger", fetch("plugin", Pipelines.PLUGIN_PORT, "out.txt"))))
        .endsWith("HELLO PIPELINE\n");
    for (String type : List.of("session", "merger")) {
      var byAddress = shIn(a, type, fetch(ipPluginB, Pipelines.PLUGIN_PORT, "out.txt"));
      assertThat(byAddress.exitCode())
          .as("%s of A reached B's plugin: %s", type, out(byAddress))
          .isNotZero();
      assertThat(shIn(a, type, fetch(pluginB.name(), Pipelines.PLUGIN_PORT, "x")).exitCode())
          .isNotZero();
    }
    write(b, "index.html", "b");
    assertThat(shIn(a, "merger", fetch(ipMainB, 80, "index.html")).exitCode()).isNotZero();
    assertThat(out(sh(a, "nslookup " + ipPluginB + " 2>&1")))
        .doesNotContain(b.id().value())
        .doesNotContain(pluginB.name());
  }
}
