package dev.berth.runtime.kubernetes;

import dev.berth.runtime.RuntimeContract;
import dev.berth.runtime.SessionRuntime;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared runtime contract, every test of it, against fabric8's mock API server (CRUD mode) with
 * a {@link KubeletStandIn} that runs the pods as containers on the machine's Docker engine and
 * answers exec. No real Kubernetes cluster can run here (FACTS.md): the mock stores the runtime's
 * objects and serves its watches, and pod status is set by the stand-in, as a kubelet would set it.
 * So these tests prove the runtime's own logic (objects, names, labels, status reading, cleanup by
 * label, and files and exec through the v4 exec protocol against real processes); they do not prove
 * a real API server's validation, scheduling, storage provisioning, network policies or Service
 * DNS.
 *
 * <p>Every request the runtime sends is recorded in {@link #REQUESTS} for {@code RbacCoverageTest}.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesRuntimeContractTest extends RuntimeContract {
  static final String NAMESPACE = "berth-test";

  /** Requests of every run of this class in this JVM, for the RBAC comparison. */
  static final List<String> REQUESTS = new CopyOnWriteArrayList<>();

  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesRuntime runtime;
  static KubernetesOptions options;
  @TempDir static Path imageContext;

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    String tag = "berthk8s" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    options = KubernetesOptions.defaults(NAMESPACE, "bt", "test-" + tag).withDefaultImage(image);
    runtime = new KubernetesRuntime(cluster.client, options);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      REQUESTS.addAll(cluster.requests);
      kubelet.close();
      cluster.close();
    }
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected SessionRuntime freshRuntime() {
    return new KubernetesRuntime(cluster.client, options);
  }

  static Set<String> requests() {
    return Set.copyOf(REQUESTS);
  }
}
