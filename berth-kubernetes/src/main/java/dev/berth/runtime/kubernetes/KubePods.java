package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod and claim calls that the lifecycle and the file helper share: look one up, wait until a
 * pod runs (with the reason and the last event when it does not), delete one and wait until it is
 * gone.
 */
final class KubePods {
  private static final Logger LOG = LoggerFactory.getLogger(KubePods.class);
  private static final Duration GONE_WAIT = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final Duration startTimeout;

  KubePods(KubernetesClient client, Duration startTimeout) {
    this.client = client;
    this.startTimeout = startTimeout;
  }

  Pod pod(KubeNames n, String name) {
    return client.pods().inNamespace(n.namespace()).withName(name).get();
  }

  PersistentVolumeClaim pvc(KubeNames n) {
    return client.persistentVolumeClaims().inNamespace(n.namespace()).withName(n.pvc()).get();
  }

  /** Waits until the pod runs or has ended; a pod still pending after the timeout is a failure. */
  void awaitRunning(KubeNames n, String name) {
    try {
      client
          .pods()
          .inNamespace(n.namespace())
          .withName(name)
          .waitUntilCondition(
              p -> p == null || KubeObserver.running(p) || KubeObserver.ended(p),
              startTimeout.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      Pod p = pod(n, name);
      String why = p == null ? "it is gone" : KubeObserver.waiting(p);
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "Kubernetes: pod "
              + name
              + " did not run within "
              + startTimeout.toSeconds()
              + "s: "
              + why
              + lastEvent(n, name).map(m -> "; last event: " + m).orElse(""),
          e);
    }
  }

  /**
   * The newest event about a pod ("0/3 nodes are available...", "Failed to pull image..."): what a
   * user needs to fix a pod that never runs. Empty when there is none or events cannot be read.
   */
  private Optional<String> lastEvent(KubeNames n, String pod) {
    List<io.fabric8.kubernetes.api.model.Event> events;
    try {
      events =
          client
              .v1()
              .events()
              .inNamespace(n.namespace())
              .withField("involvedObject.name", pod)
              .list()
              .getItems();
    } catch (RuntimeException e) {
      LOG.debug("cannot read the events of pod {}: {}", pod, KubeFailures.reason(e));
      return Optional.empty();
    }
    return KubeObserver.newestEvent(events, pod);
  }

  void deleteAndWait(KubeNames n, String name, long graceSeconds) {
    var pod = client.pods().inNamespace(n.namespace()).withName(name);
    try {
      pod.withGracePeriod(graceSeconds).delete();
      pod.waitUntilCondition(
          p -> p == null, graceSeconds * 1000 + GONE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      if (!KubeFailures.isNotFound(e)) {
        throw KubeFailures.failure("delete pod " + name, e);
      }
    }
  }
}
