package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.EgressDestination;
import dev.berth.template.EgressPolicy;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A template's egress policy on Kubernetes, against fabric8's <b>mock</b> API server (CRUD mode):
 * it checks the NetworkPolicy objects Berth makes, changes and removes, not that a network plugin
 * enforces them (the mock has none, and no kubelet: the test sets pod status itself).
 */
class KubernetesEgressTest {
  static final String NS = "berth-egress";
  static MockCluster cluster;
  static KubernetesRuntime runtime;

  @BeforeAll
  static void start() {
    cluster = new MockCluster();
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NS, "berth", "inst-e")
                .withStartTimeout(Duration.ofSeconds(60))
                .withEndpoints(EndpointMode.SERVICE));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Template plain(EgressPolicy egress) {
    return TestTemplates.with(
            "agent",
            Optional.of("registry.example/agent:1"),
            List.of("sleep", "infinity"),
            List.of(),
            Optional.empty(),
            Optional.empty())
        .toBuilder()
        .egress(egress)
        .build();
  }

  private static RuntimeSession started(RuntimeSession s) {
    String pod = s.state().get("name");
    var start = CompletableFuture.supplyAsync(() -> runtime.start(s));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.client.pods().inNamespace(NS).withName(pod).get() != null);
    Pod p = cluster.client.pods().inNamespace(NS).withName(pod).get();
    // Playing the kubelet, which the mock has not: the pod runs.
    p.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("session")
                    .withState(new ContainerStateBuilder().withNewRunning().endRunning().build())
                    .build())
            .build());
    cluster.client.pods().inNamespace(NS).resource(p).updateStatus();
    return s.withState(start.join().state());
  }

  private static NetworkPolicy egressPolicy(RuntimeSession s) {
    return cluster
        .client
        .network()
        .v1()
        .networkPolicies()
        .inNamespace(NS)
        .withName(s.state().get("name") + "-egress")
        .get();
  }

  @Test
  void noneDeniesAllEgressAnAllowListBecomesIpBlocksAndAllRemovesThePolicy() {
    var fresh = RuntimeSession.fresh(SessionId.generate(), plain(EgressPolicy.NONE), Map.of());
    RuntimeSession s = started(fresh.withState(runtime.prepare(fresh)));
    NetworkPolicy none = egressPolicy(s);
    assertThat(none).as("egress policy of an egress: none session").isNotNull();
    assertThat(none.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(none.getSpec().getEgress()).as("no rule: nothing allowed").isEmpty();
    assertThat(none.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(KubeLabels.podSelector(s, "inst-e"));
    assertThat(none.getMetadata().getLabels()).containsEntry(KubeLabels.SESSION, s.handle());

    // The next start applies the template as it is now.
    runtime.stop(s, Duration.ofSeconds(1));
    var allow =
        new EgressPolicy.Allow(
            List.of(
                EgressDestination.parse("203.0.113.7:443"),
                EgressDestination.parse("[2001:db8::1]:8443")));
    RuntimeSession allowed =
        started(new RuntimeSession(s.id(), s.handle(), plain(allow), s.labels(), s.state()));
    var rules = egressPolicy(allowed).getSpec().getEgress();
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).getTo().getFirst().getIpBlock().getCidr()).isEqualTo("203.0.113.7/32");
    assertThat(rules.get(0).getPorts().getFirst().getPort()).isEqualTo(new IntOrString(443));
    assertThat(rules.get(0).getPorts().getFirst().getProtocol()).isEqualTo("TCP");
    assertThat(rules.get(1).getTo().getFirst().getIpBlock().getCidr()).isEqualTo("2001:db8::1/128");

    runtime.stop(allowed, Duration.ofSeconds(1));
    RuntimeSession open =
        started(
            new RuntimeSession(
                s.id(), s.handle(), plain(EgressPolicy.ALL), s.labels(), allowed.state()));
    assertThat(egressPolicy(open)).as("egress all: no egress policy").isNull();
    runtime.destroy(open);
  }

  @Test
  void theEgressPolicyGoesWithTheSessionAndTheReceiptListsIt() {
    var fresh = RuntimeSession.fresh(SessionId.generate(), plain(EgressPolicy.NONE), Map.of());
    RuntimeSession s = started(fresh.withState(runtime.prepare(fresh)));
    String name = s.state().get("name");
    CleanupReport report = runtime.destroy(s);
    assertThat(report.removed())
        .contains(new CleanupReport.RemovedResource("networkpolicy", name + "-egress"));
    assertThat(egressPolicy(s)).isNull();
  }

  @Test
  void destinationsByNameAreRefusedBeforeAnythingIsMade() {
    var t =
        plain(
            new EgressPolicy.Allow(
                List.of(
                    EgressDestination.parse("pypi.org:443"),
                    EgressDestination.parse("198.51.100.4:443"))));
    assertThat(runtime.preflight(RuntimeSession.fresh(SessionId.generate(), t, Map.of())))
        .extracting(PreflightProblem::message)
        .singleElement()
        .satisfies(
            m ->
                assertThat(m)
                    .contains("[pypi.org:443]")
                    .contains("NetworkPolicy cannot express")
                    .doesNotContain("198.51.100.4"));
    assertThat(
            runtime.preflight(
                RuntimeSession.fresh(SessionId.generate(), plain(EgressPolicy.NONE), Map.of())))
        .isEmpty();
  }
}
