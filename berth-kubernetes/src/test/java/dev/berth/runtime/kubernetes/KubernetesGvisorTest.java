package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sandbox: gvisor} on Kubernetes is the pod's {@code runtimeClassName} (the configured
 * RuntimeClass, {@code gvisor} by default), against fabric8's mock API server (no kubelet: the test
 * sets the pod's status, and no node runs gVisor here; the cluster's part is to map the class to
 * its runsc handler).
 */
class KubernetesGvisorTest {
  private static final String NS = "berth-gvisor";
  private MockCluster cluster;
  private final List<Runnable> cleanup = new ArrayList<>();

  @BeforeEach
  void start() {
    cluster = new MockCluster();
  }

  @AfterEach
  void stop() {
    cleanup.forEach(Runnable::run);
    cluster.close();
  }

  private KubernetesRuntime runtime(KubernetesOptions options) {
    return new KubernetesRuntime(cluster.client, options.withStartTimeout(Duration.ofSeconds(90)));
  }

  private static Template template(Sandbox sandbox) {
    return TestTemplates.with(
            "agent",
            Optional.of("registry.example/agent:1"),
            List.of("serve"),
            List.of(),
            Optional.empty(),
            Optional.empty())
        .toBuilder()
        .sandbox(sandbox)
        .build();
  }

  /** Prepares and starts (playing the kubelet); the session's pod as the API server holds it. */
  private Pod podOf(KubernetesRuntime runtime, Template t) {
    var s = RuntimeSession.fresh(SessionId.generate(), t, Map.of());
    var prepared = s.withState(runtime.prepare(s));
    cleanup.add(() -> runtime.destroy(prepared));
    String name = prepared.state().get("name");
    var start = CompletableFuture.supplyAsync(() -> runtime.start(prepared));
    // A minute, not seconds: under a loaded machine's CPU the start takes that long to get there.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cluster.client.pods().inNamespace(NS).withName(name).get() != null);
    Pod p = cluster.client.pods().inNamespace(NS).withName(name).get();
    p.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("session")
                    .withState(
                        new ContainerStateBuilder()
                            .withNewRunning()
                            .withStartedAt("2026-01-01T00:00:00Z")
                            .endRunning()
                            .build())
                    .build())
            .build());
    cluster.client.pods().inNamespace(NS).resource(p).updateStatus();
    start.join();
    return cluster.client.pods().inNamespace(NS).withName(name).get();
  }

  @Test
  void aGvisorSessionsPodNamesTheGvisorRuntimeClassAndARuncOneNone() {
    var runtime = runtime(KubernetesOptions.defaults(NS, "berth", "inst-g"));
    assertThat(podOf(runtime, template(Sandbox.GVISOR)).getSpec().getRuntimeClassName())
        .isEqualTo("gvisor");
    assertThat(podOf(runtime, template(Sandbox.RUNC)).getSpec().getRuntimeClassName())
        .as("the cluster's default runtime")
        .isNull();
  }

  @Test
  void theRuntimeClassIsASetting() {
    var runtime =
        runtime(
            KubernetesOptions.defaults(NS, "berth", "inst-h").withGvisorRuntimeClass("runsc-kvm"));
    assertThat(podOf(runtime, template(Sandbox.GVISOR)).getSpec().getRuntimeClassName())
        .isEqualTo("runsc-kvm");
    assertThat(KubernetesSettings.KEYS).containsEntry("kubernetesGvisorRuntimeClass", "gvisor");
  }
}
