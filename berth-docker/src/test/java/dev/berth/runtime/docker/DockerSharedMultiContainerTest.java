package dev.berth.runtime.docker;

import static dev.berth.runtime.docker.DockerMultiContainerTest.awaitResult;
import static dev.berth.runtime.docker.DockerMultiContainerTest.byType;
import static dev.berth.runtime.docker.DockerMultiContainerTest.fetch;
import static dev.berth.runtime.docker.DockerMultiContainerTest.shIn;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.RuntimeSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
  /** Where the main containers serve in the isolation test (busybox httpd, started by an exec). */
  private static final int MAIN_PORT = 80;

  /** The links network of a session: see {@link SessionSidecars}. */
  private static String links(RuntimeSession s) {
    return s.state().get(SessionSidecars.KEY_LINKS_NETWORK);
  }

  /** A GET of {@code /index.html} from this host, straight to a container's address. */
  private static String fromHost(String ip, int port) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress(ip, port), 3000);
      socket.setSoTimeout(3000);
      socket.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(UTF_8));
      return new String(socket.getInputStream().readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("GET http://" + ip + ":" + port + "/index.html", e);
    }
  }

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
    // Each main container serves its workspace on MAIN_PORT, so a refusal below is the network's:
    // B's answers where it is asked (from the host, as Berth's probes reach it), A's own main
    // answers A's merger, and nobody of A gets B's.
    for (RuntimeSession s : List.of(a, b)) {
      write(s, "index.html", s == a ? "a" : "b");
      assertThat(sh(s, "httpd -p " + MAIN_PORT + " -h /workspace").exitCode()).isZero();
    }
    assertThat(fromHost(ipMainB, MAIN_PORT))
        .as("B's main serves on the shared network")
        .endsWith("b");
    String ipMainA = container(a).getNetworkSettings().getNetworks().get(links(a)).getIpAddress();
    for (String host : List.of("session", ipMainA)) {
      assertThat(out(shIn(a, "merger", fetch(host, MAIN_PORT, "index.html"))))
          .as("control: A's merger reaches A's own main (%s)", host)
          .endsWith("a");
    }
    for (String type : List.of("session", "merger")) {
      var toB = shIn(a, type, fetch(ipMainB, MAIN_PORT, "index.html"));
      assertThat(toB.exitCode()).as("%s of A reached B's main: %s", type, out(toB)).isNotZero();
    }
    assertThat(out(sh(a, "nslookup " + ipPluginB + " 2>&1")))
        .doesNotContain(b.id().value())
        .doesNotContain(pluginB.name());
  }
}
