package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.runtime.RuntimeSession;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which pod serves a session's workspace calls: its own pod while it runs; for files while it does
 * not, a helper pod ({@code <name>-h}) that mounts the claim, made here on demand and removed at
 * the next start or at destroy.
 */
final class PodTargets {
  private static final Logger LOG = LoggerFactory.getLogger(PodTargets.class);

  private final KubernetesClient client;
  private final KubernetesOptions options;
  private final KubePods pods;

  PodTargets(KubernetesClient client, KubernetesOptions options, KubePods pods) {
    this.client = client;
    this.options = options;
    this.pods = pods;
  }

  /** The session's pod for an exec; {@code CONFLICT} when it does not run. */
  PodFiles.Target forExec(RuntimeSession s, KubeNames n) {
    if (!KubeObserver.running(pods.pod(n, n.pod()))) {
      throw BerthException.conflict("session '" + s.id() + "' is not running; start it to exec");
    }
    return new PodFiles.Target(n.namespace(), n.pod(), s.template().workspace().path());
  }

  /** The pod that serves file calls: the session's when it runs, else the helper (made here). */
  PodFiles.Target forFiles(RuntimeSession s, KubeNames n, String image) {
    String root = s.template().workspace().path();
    if (KubeObserver.running(pods.pod(n, n.pod()))) {
      return new PodFiles.Target(n.namespace(), n.pod(), root);
    }
    Pod helper = pods.pod(n, n.helperPod());
    if (helper != null
        && (KubeObserver.ended(helper) || helper.getMetadata().getDeletionTimestamp() != null)) {
      pods.deleteAndWait(n, n.helperPod(), 0);
      helper = null;
    }
    if (helper == null) {
      if (pods.pvc(n) == null) {
        throw BerthException.conflict(
            "session '"
                + s.id()
                + "' has no workspace volume claim "
                + n.pvc()
                + " (was it removed?)");
      }
      try {
        client
            .resource(KubeManifests.helperPod(s, n, options, image, Instant.now()))
            .inNamespace(n.namespace())
            .create();
      } catch (RuntimeException e) {
        if (!KubeFailures.isConflict(e)) {
          throw KubeFailures.failure("create helper pod " + n.helperPod(), e);
        }
      }
      LOG.info("session {}: created helper pod {} for file access", s.id(), n.helperPod());
    }
    pods.awaitRunning(n, n.helperPod());
    return new PodFiles.Target(n.namespace(), n.helperPod(), root);
  }
}
