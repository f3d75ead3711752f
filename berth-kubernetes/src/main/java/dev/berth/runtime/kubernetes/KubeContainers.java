package dev.berth.runtime.kubernetes;

import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.ContainerStatus.Phase;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A session's containers as its pod's {@code status.containerStatuses} tell them: the main one
 * (type {@value SessionContainer#MAIN}, the pod's container {@link KubeManifests#CONTAINER}) first,
 * then the template's {@code containers:} in start order, each the pod container of its type. Pure
 * functions of the template and the pod (null when there is none), so testable without a server.
 */
final class KubeContainers {
  private KubeContainers() {}

  /**
   * @param started whether the session was started (no pod then means it went missing)
   * @param mainEndpoints the main container's endpoints and probe addresses (the Service's or the
   *     port-forwards)
   */
  static List<ContainerStatus> of(
      Template t, String podName, Pod pod, boolean started, Map<Integer, URI> mainEndpoints) {
    List<ContainerStatus> out = new ArrayList<>();
    out.add(one(SessionContainer.MAIN, KubeManifests.CONTAINER, podName, pod, started));
    for (SessionContainer c : t.containers().inStartOrder()) {
      out.add(one(c.type(), c.type(), podName, pod, started));
    }
    ContainerStatus main = out.get(0);
    if (main.running()) {
      out.set(0, withAddresses(main, mainEndpoints, mainEndpoints));
    }
    String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    for (int i = 1; i < out.size(); i++) {
      ContainerStatus c = out.get(i);
      if (c.running() && ip != null && !ip.isBlank()) {
        // A container's own ports are the pod's: the pod IP reaches them from inside the cluster
        // (the Service and the port-forwards cover the main container's ports only).
        Map<Integer, URI> addresses = new TreeMap<>();
        for (int port :
            t.containers().get(c.type()).map(SessionContainer::ports).orElse(List.of())) {
          addresses.put(port, URI.create("http://" + ip + ":" + port + "/"));
        }
        out.set(i, withAddresses(c, Map.of(), addresses));
      }
    }
    return out;
  }

  private static ContainerStatus withAddresses(
      ContainerStatus c, Map<Integer, URI> endpoints, Map<Integer, URI> probes) {
    return new ContainerStatus(
        c.type(), c.name(), c.phase(), c.exitCode(), c.detail(), endpoints, probes);
  }

  private static ContainerStatus one(
      String type, String container, String podName, Pod pod, boolean started) {
    String name = podName + "/" + container;
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return started
          ? status(type, name, Phase.MISSING, OptionalInt.empty(), "the session's pod is gone")
          : status(type, name, Phase.STOPPED, OptionalInt.empty(), "the session is stopped");
    }
    Optional<ContainerState> state =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? Optional.empty()
            : pod.getStatus().getContainerStatuses().stream()
                .filter(s -> container.equals(s.getName()))
                .findFirst()
                .map(io.fabric8.kubernetes.api.model.ContainerStatus::getState);
    if (state.isEmpty()) {
      return status(type, name, Phase.MISSING, OptionalInt.empty(), "not created yet");
    }
    ContainerState s = state.get();
    if (s.getRunning() != null) {
      return status(type, name, Phase.RUNNING, OptionalInt.empty(), "running");
    }
    if (s.getTerminated() != null) {
      ContainerStateTerminated ended = s.getTerminated();
      Integer code = ended.getExitCode();
      String reason = ended.getReason() == null ? "" : " (" + ended.getReason() + ")";
      return status(
          type,
          name,
          Phase.EXITED,
          code == null ? OptionalInt.empty() : OptionalInt.of(code),
          (code == null ? "ended" : "exited with code " + code) + reason);
    }
    String waiting =
        s.getWaiting() == null || s.getWaiting().getReason() == null
            ? "waiting"
            : "waiting: " + s.getWaiting().getReason();
    return status(type, name, Phase.STOPPED, OptionalInt.empty(), waiting);
  }

  private static ContainerStatus status(
      String type, String name, Phase phase, OptionalInt code, String detail) {
    return new ContainerStatus(type, name, phase, code, detail, Map.of(), Map.of());
  }
}
