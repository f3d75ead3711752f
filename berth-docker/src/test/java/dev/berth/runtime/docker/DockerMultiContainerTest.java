package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sessions of several typed containers on a real engine, each on its own network. */
class DockerMultiContainerTest extends DockerTestBase {

  static String fetch(String host, int port, String path) {
    return "printf 'GET /" + path + " HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + host + " " + port;
  }

  static ExecResult shIn(RuntimeSession s, String type, String line) {
    return runtime
        .workspace(s, type)
        .exec(
            new ExecRequest(
                ExecRequest.shell(line),
                WorkspacePath.ROOT,
                Map.of(),
                new byte[0],
                Duration.ofSeconds(30),
                1 << 20));
  }

  static void awaitResult(RuntimeSession s) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(out(sh(s, "cat result.txt 2>&1")))
                    .isEqualTo("merged\nHELLO PIPELINE\n"));
  }

  static Map<String, ContainerStatus> byType(RuntimeSession s) {
    Map<String, ContainerStatus> out = new java.util.LinkedHashMap<>();
    runtime.containers(s).forEach(c -> out.put(c.type(), c));
    return out;
  }

  @Test
  void aPipelineRunsInOrderOnOneVolumeNamedByTypeAndReachableByType() {
    Template t = Pipelines.threeContainers("pipe");
    RuntimeSession s = started(t);
    String id = s.id().value();
    awaitResult(s);

    Map<String, ContainerStatus> seen = byType(s);
    assertThat(seen.keySet()).containsExactly("session", "processor", "plugin", "merger", "reader");
    for (String type : List.of("session", "processor", "plugin", "merger")) {
      String name = prefix + "-" + type + "-pipe-" + id;
      assertThat(seen.get(type).name()).isEqualTo(name);
      assertThat(seen.get(type).phase()).as(type).isEqualTo(ContainerStatus.Phase.RUNNING);
      var labels = engine.client.inspectContainerCmd(name).exec().getConfig().getLabels();
      assertThat(labels)
          .containsEntry(DockerLabels.SESSION, id)
          .containsEntry(DockerLabels.TYPE, type)
          .containsEntry(DockerLabels.INSTANCE, instance());
      var mounts = engine.client.inspectContainerCmd(name).exec().getMounts();
      assertThat(mounts).extracting(m -> m.getName()).containsExactly(prefix + "-pipe-" + id);
    }
    assertThat(seen.get("reader").phase())
        .as("a manual container waits to be asked")
        .isEqualTo(ContainerStatus.Phase.MISSING);

    // by type name, on the session's network: the main one reaches the plugin, the plugin the main
    assertThat(out(sh(s, fetch("plugin", Pipelines.PLUGIN_PORT, "out.txt"))))
        .endsWith("HELLO PIPELINE\n");
    assertThat(out(shIn(s, "merger", "nslookup session 127.0.0.11")))
        .contains(
            container(s)
                .getNetworkSettings()
                .getNetworks()
                .get(s.state().get("network"))
                .getIpAddress());
    assertThat(out(shIn(s, "plugin", "echo $BERTH_CONTAINER"))).isEqualTo("plugin\n");
    assertThat(seen.get("plugin").probeAddresses()).containsKey(Pipelines.PLUGIN_PORT);

    // a manual container starts on request, with the workspace read-only
    RuntimeSession r = s.withState(runtime.startContainer(s, "reader"));
    assertThat(byType(r).get("reader").phase()).isEqualTo(ContainerStatus.Phase.RUNNING);
    assertThat(out(shIn(r, "reader", "cat result.txt"))).startsWith("merged");
    assertThat(shIn(r, "reader", "echo x > nope.txt").exitCode())
        .as("the reader mounts the workspace read-only")
        .isNotZero();
    assertCode(() -> runtime.startContainer(r, "ghost"), ErrorCode.NOT_FOUND);
  }

  @Test
  void oneContainerStopsAndStartsAloneAndACrashIsSeenAsItsOwn() {
    RuntimeSession s = started(Pipelines.threeContainers("pipe"));
    awaitResult(s);
    String mainId = container(s).getId();
    String startedAt = container(s).getState().getStartedAt();

    RuntimeSession pluginStopped =
        s.withState(runtime.stopContainer(s, "plugin", Duration.ofSeconds(2)));
    assertThat(byType(pluginStopped).get("plugin").phase())
        .isEqualTo(ContainerStatus.Phase.STOPPED);
    assertThat(byType(pluginStopped).get("merger").phase())
        .isEqualTo(ContainerStatus.Phase.RUNNING);
    RuntimeSession again = pluginStopped.withState(runtime.startContainer(pluginStopped, "plugin"));
    assertThat(byType(again).get("plugin").phase()).isEqualTo(ContainerStatus.Phase.RUNNING);
    assertThat(again.state().values()).isEqualTo(s.state().values());

    engine.client.killContainerCmd(byType(s).get("plugin").name()).withSignal("KILL").exec();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(byType(s).get("plugin").phase())
                    .isEqualTo(ContainerStatus.Phase.EXITED));
    assertThat(byType(s).get("plugin").detail()).contains("exited with code 137");
    assertThat(runtime.inspect(s)).isInstanceOf(ObservedState.Running.class);
    assertThat(container(s).getId()).isEqualTo(mainId);
    assertThat(container(s).getState().getStartedAt())
        .as("the main container was not touched")
        .isEqualTo(startedAt);
  }

  @Test
  void stopEndsEveryContainerAndDestroyListsEachOnTheReceipt() {
    RuntimeSession s = started(Pipelines.threeContainers("pipe"));
    String id = s.id().value();
    awaitResult(s);
    RuntimeSession stopped = s.withState(runtime.stop(s, Duration.ofSeconds(2)));
    assertThat(runtime.containers(stopped))
        .allSatisfy(c -> assertThat(c.running()).as(c.type()).isFalse());
    assertThat(read(stopped, "result.txt")).as("the workspace is kept").startsWith("merged");

    CleanupReport report = runtime.destroy(stopped);
    assertThat(report.complete()).isTrue();
    assertThat(report.removed())
        .extracting(CleanupReport.RemovedResource::kind, CleanupReport.RemovedResource::name)
        .contains(
            org.assertj.core.api.Assertions.tuple("container", prefix + "-session-pipe-" + id),
            org.assertj.core.api.Assertions.tuple("container", prefix + "-processor-pipe-" + id),
            org.assertj.core.api.Assertions.tuple("container", prefix + "-plugin-pipe-" + id),
            org.assertj.core.api.Assertions.tuple("container", prefix + "-merger-pipe-" + id),
            org.assertj.core.api.Assertions.tuple("volume", prefix + "-pipe-" + id),
            org.assertj.core.api.Assertions.tuple("network", prefix + "-net-pipe-" + id));
    assertThat(runtime.listOwned(id)).isEmpty();
    assertThat(runtime.destroy(stopped).removed()).as("idempotent").isEmpty();
  }

  @Test
  void aContainerThatCannotStartFailsTheStartWithItsNameAndStopEndsTheRest() {
    Template t =
        Templates.plain("broken").toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("first", Pipelines.sh("exec sleep infinity")),
                        SessionContainer.of("second", List.of("true"))
                            .withImage(java.util.Optional.of(prefix + "/gone:1"))
                            .after(List.of("first")),
                        SessionContainer.of("third", List.of("true")).after(List.of("second")))))
            .build();
    RuntimeSession s = prepared(t);
    assertThatThrownBy(() -> runtime.start(s))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining(prefix + "-second-broken-" + s.id());
    assertThat(byType(s).get("first").phase()).isEqualTo(ContainerStatus.Phase.RUNNING);
    assertThat(byType(s).get("third").phase())
        .as("nothing after the failed one is made")
        .isEqualTo(ContainerStatus.Phase.MISSING);
    RuntimeSession after = s.withState(runtime.stop(s, Duration.ofSeconds(2)));
    assertThat(runtime.containers(after))
        .allSatisfy(c -> assertThat(c.running()).as(c.type()).isFalse());
    assertThat(runtime.inspect(after)).isNotInstanceOf(ObservedState.Missing.class);
  }

  @Test
  void aContainerWhoseProgramIsMissingIsSeenExitedWithItsCode() {
    Template t =
        Templates.plain("noprog").toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(SessionContainer.of("bad", List.of("/no/such/program")))))
            .build();
    RuntimeSession s = started(t);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(byType(s).get("bad").phase()).isEqualTo(ContainerStatus.Phase.EXITED));
    assertThat(byType(s).get("bad").exitCode()).isPresent();
  }

  @Test
  void twoPipelinesCannotReachEachOther() {
    RuntimeSession a = started(Pipelines.threeContainers("pipe"));
    RuntimeSession b = started(Pipelines.threeContainers("pipe"));
    awaitResult(a);
    awaitResult(b);
    String pluginB = byType(b).get("plugin").name();
    String ipB = byType(b).get("plugin").probeAddresses().get(Pipelines.PLUGIN_PORT).getHost();
    // A's own plugin answers; B's does not, by name nor by address
    assertThat(out(sh(a, fetch("plugin", Pipelines.PLUGIN_PORT, "out.txt"))))
        .endsWith("HELLO PIPELINE\n");
    assertThat(sh(a, fetch(pluginB, Pipelines.PLUGIN_PORT, "out.txt")).exitCode()).isNotZero();
    var fromMerger = shIn(a, "merger", fetch(ipB, Pipelines.PLUGIN_PORT, "out.txt"));
    assertThat(fromMerger.exitCode())
        .as(
            "A's merger reached B's plugin at %s: %s %s",
            ipB,
            out(fromMerger),
            new String(fromMerger.stderr(), java.nio.charset.StandardCharsets.UTF_8))
        .isNotZero();
    assertThat(sh(a, fetch(ipB, Pipelines.PLUGIN_PORT, "out.txt")).exitCode()).isNotZero();
  }

  @Test
  void aTemplateWithASubPathOrAMissingImageIsRefusedBeforeAnythingIsMade() {
    Template t =
        Templates.plain("refused").toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("a", List.of("true")).mounting("in", false),
                        SessionContainer.of("b", List.of("true"))
                            .withImage(java.util.Optional.of(prefix + "/not-there:1")))))
            .build();
    var problems =
        runtime.preflight(RuntimeSession.fresh(dev.berth.base.SessionId.generate(), t, Map.of()));
    assertThat(problems)
        .extracting(p -> p.message())
        .anySatisfy(m -> assertThat(m).contains("sub-path 'in'").contains("API 1.45"))
        .anySatisfy(m -> assertThat(m).contains(prefix + "/not-there:1").contains("'b'"));
  }
}
