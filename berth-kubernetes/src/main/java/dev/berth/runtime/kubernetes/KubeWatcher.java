package dev.berth.runtime.kubernetes;

import dev.berth.runtime.RuntimeEvent;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the reconciler from informers on this installation's session pods and PVCs, as the Docker
 * events stream does on Docker: a session container that ended (with OOMKilled told apart) gives
 * {@code EXITED} or {@code OOM}; a session pod or PVC deleted behind Berth's back gives {@code
 * REMOVED}. Events are hints: the reconciler re-inspects, so the informers' relists and a duplicate
 * event cost nothing.
 */
final class KubeWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeWatcher.class);
  private final List<SharedIndexInformer<?>> informers;

  KubeWatcher(
      KubernetesClient client, String namespace, String instance, Consumer<RuntimeEvent> listener) {
    Consumer<RuntimeEvent> safe =
        e -> {
          try {
            listener.accept(e);
          } catch (RuntimeException ex) {
            LOG.warn("runtime event listener failed on {}", e, ex);
          }
        };
    SharedIndexInformer<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(KubeLabels.INSTANCE, instance)
            .withLabel(KubeLabels.TYPE, KubeLabels.TYPE_SESSION)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {}

                  @Override
                  public void onUpdate(Pod before, Pod after) {
                    Optional<RuntimeEvent> e = ended(before, after);
                    e.ifPresent(safe);
                    extraEnded(before, after).forEach(safe);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknownFinalState) {
                    session(pod.getMetadata().getLabels())
                        .ifPresent(
                            id ->
                                safe.accept(
                                    RuntimeEvent.of(
                                        id,
                                        RuntimeEvent.Kind.REMOVED,
                                        "pod " + pod.getMetadata().getName() + " deleted")));
                  }
                });
    SharedIndexInformer<PersistentVolumeClaim> pvcs =
        client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .withLabel(KubeLabels.INSTANCE, instance)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(PersistentVolumeClaim pvc) {}

                  @Override
                  public void onUpdate(PersistentVolumeClaim before, PersistentVolumeClaim after) {}

                  @Override
                  public void onDelete(PersistentVolumeClaim pvc, boolean unknownFinalState) {
                    session(pvc.getMetadata().getLabels())
                        .ifPresent(
                            id ->
                                safe.accept(
                                    RuntimeEvent.of(
                                        id,
                                        RuntimeEvent.Kind.REMOVED,
                                        "persistentvolumeclaim "
                                            + pvc.getMetadata().getName()
                                            + " deleted")));
                  }
                });
    informers = List.of(pods, pvcs);
  }

  private static Optional<String> session(java.util.Map<String, String> labels) {
    return Optional.ofNullable(labels).map(l -> l.get(KubeLabels.SESSION));
  }

  /** The event for a pod update in which the session container ended, if it did just then. */
  static Optional<RuntimeEvent> ended(Pod before, Pod after) {
    Optional<ContainerStateTerminated> was = terminated(before);
    Optional<ContainerStateTerminated> now = terminated(after);
    if (was.isPresent() || now.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> id = session(after.getMetadata().getLabels());
    if (id.isEmpty()) {
      return Optional.empty();
    }
    ContainerStateTerminated t = now.get();
    boolean oom = "OOMKilled".equals(t.getReason());
    return Optional.of(
        RuntimeEvent.of(
            id.get(),
            oom ? RuntimeEvent.Kind.OOM : RuntimeEvent.Kind.EXITED,
            (oom ? "oom" : "die")
                + " exitCode="
                + t.getExitCode()
                + (t.getReason() == null ? "" : " reason=" + t.getReason())));
  }

  /**
   * An event per extra container of the session (a template's {@code containers:}) that ended in
   * this update, so the reconciler judges its end at once rather than at its next pass.
   */
  static List<RuntimeEvent> extraEnded(Pod before, Pod after) {
    Optional<String> id = session(after.getMetadata().getLabels());
    if (id.isEmpty()
        || after.getStatus() == null
        || after.getStatus().getContainerStatuses() == null) {
      return List.of();
    }
    java.util.Set<String> endedBefore = new java.util.HashSet<>();
    if (before != null
        && before.getStatus() != null
        && before.getStatus().getContainerStatuses() != null) {
      before.getStatus().getContainerStatuses().stream()
          .filter(c -> c.getState() != null && c.getState().getTerminated() != null)
          .forEach(c -> endedBefore.add(c.getName()));
    }
    return after.getStatus().getContainerStatuses().stream()
        .filter(c -> !KubeManifests.CONTAINER.equals(c.getName()))
        .filter(c -> c.getState() != null && c.getState().getTerminated() != null)
        .filter(c -> !endedBefore.contains(c.getName()))
        .map(
            c -> {
              ContainerStateTerminated t = c.getState().getTerminated();
              boolean oom = "OOMKilled".equals(t.getReason());
              return RuntimeEvent.of(
                  id.get(),
                  oom ? RuntimeEvent.Kind.OOM : RuntimeEvent.Kind.EXITED,
                  "container "
                      + c.getName()
                      + (oom ? " oom" : " die")
                      + " exitCode="
                      + t.getExitCode()
                      + (t.getReason() == null ? "" : " reason=" + t.getReason()));
            })
        .toList();
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    if (pod == null) {
      return Optional.empty();
    }
    return KubeObserver.container(pod)
        .map(c -> c.getState() == null ? null : c.getState().getTerminated());
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
