package dev.berth.runtime.kubernetes;

import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeStates;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What a session looks like from its PVC and its pod: pure functions of the objects (tested without
 * an API server); {@link KubernetesRuntime} fetches them.
 */
final class KubeObserver {
  private KubeObserver() {}

  static ObservedState state(
      PersistentVolumeClaim pvc, Pod pod, boolean started, Map<Integer, URI> endpoints) {
    if (pvc == null || pvc.getMetadata().getDeletionTimestamp() != null) {
      return new ObservedState.Missing(
          pvc == null
              ? "no workspace volume claim"
              : "the workspace volume claim is being deleted");
    }
    if (pod == null) {
      return RuntimeStates.notRunning(
          started,
          () -> new ObservedState.Exited(OptionalInt.empty(), "the session's pod is gone"));
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return RuntimeStates.notRunning(
          started,
          () ->
              new ObservedState.Exited(OptionalInt.empty(), "the session's pod is being deleted"));
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    Optional<ContainerStatus> container = container(pod);
    Optional<ContainerStateTerminated> ended =
        container.map(ContainerStatus::getState).map(s -> s.getTerminated());
    if (ended.isPresent() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
      return RuntimeStates.notRunning(
          started,
          () -> {
            OptionalInt code =
                ended.map(t -> t.getExitCode()).map(OptionalInt::of).orElse(OptionalInt.empty());
            String reason = ended.map(ContainerStateTerminated::getReason).orElse(phase);
            String detail =
                "pod "
                    + phase
                    + ("OOMKilled".equals(reason)
                        ? ", killed for running out of memory"
                        : reason == null ? "" : " (" + reason + ")");
            // Never "on its own": a kubelet's SIGTERM (node drain, eviction, node reboot) ends
            // a container just as an app's own exit does, and a pod's status cannot tell them
            // apart, so an exit 0 here is recovered per the restart policy, never taken for a
            // quit.
            return new ObservedState.Exited(code, detail, false);
          });
    }
    if ("Running".equals(phase)
        && container
            .map(c -> c.getState() != null && c.getState().getRunning() != null)
            .orElse(true)) {
      // Probes use the endpoints: a port-forward or the Service connects to the pod's own port.
      return ObservedState.Running.direct(new TreeMap<>(endpoints));
    }
    if ("Unknown".equals(phase)) {
      return new ObservedState.Unknown(
          "the node of pod " + pod.getMetadata().getName() + " does not report");
    }
    return new ObservedState.Pending(waiting(pod));
  }

  /** The newest of {@code events} about {@code pod}, as "reason: message". */
  static Optional<String> newestEvent(
      List<io.fabric8.kubernetes.api.model.Event> events, String pod) {
    return events.stream()
        .filter(e -> e.getInvolvedObject() != null && pod.equals(e.getInvolvedObject().getName()))
        .max(
            java.util.Comparator.comparing(
                e ->
                    Optional.ofNullable(e.getLastTimestamp())
                        .or(() -> Optional.ofNullable(e.getMetadata().getCreationTimestamp()))
                        .orElse("")))
        .map(e -> (e.getReason() == null ? "" : e.getReason() + ": ") + e.getMessage());
  }

  /** Why a pod is not running yet: its container's waiting reason, else its phase. */
  static String waiting(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return container(pod)
        .map(ContainerStatus::getState)
        .map(s -> s.getWaiting())
        .map(w -> w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage()))
        .orElse(phase == null ? "pod not scheduled yet" : "pod " + phase);
  }

  static Optional<ContainerStatus> container(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> all = pod.getStatus().getContainerStatuses();
    return all.stream().filter(c -> KubeManifests.CONTAINER.equals(c.getName())).findFirst();
  }

  /** True when the pod's container runs (phase Running, container not ended). */
  static boolean running(Pod pod) {
    if (pod == null
        || pod.getMetadata().getDeletionTimestamp() != null
        || pod.getStatus() == null) {
      return false;
    }
    return "Running".equals(pod.getStatus().getPhase())
        && container(pod)
            .map(c -> c.getState() != null && c.getState().getRunning() != null)
            .orElse(true);
  }

  /** True when the pod has ended for good (restartPolicy Never). */
  static boolean ended(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return false;
    }
    String phase = pod.getStatus().getPhase();
    return "Succeeded".equals(phase)
        || "Failed".equals(phase)
        || container(pod)
            .map(c -> c.getState() != null && c.getState().getTerminated() != null)
            .orElse(false);
  }
}
