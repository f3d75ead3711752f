package dev.berth.runtime.kubernetes;

import dev.berth.runtime.RuntimeContainersContract;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared multi-container contract (one workspace, reach by type, exec and logs per container,
 * read-only mount, unknown type 404, nothing left after a destroy) for Kubernetes, where the extra
 * containers are containers of the session's pod. It runs on fabric8's mock API server with the
 * {@link KubeletStandIn} running each pod container as a Docker container, because no Kubernetes
 * cluster can run here: it proves the runtime's side, not a real kubelet's.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesContainersContractTest extends RuntimeContainersContract {
  static final String NAMESPACE = "berth-contract-multi";
  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesRuntime runtime;
  @TempDir static Path imageContext;

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    String tag = "berthk8c" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, "bc", "test-" + tag)
                .withDefaultImage(image)
                .withStartTimeout(Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      kubelet.close();
      cluster.close();
    }
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected Template template(String name) {
    return TestTemplates.with(
        name, Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty());
  }
}
