package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeEvent;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Reading a session's state and events from objects: pure, no API server. */
class KubeObserverTest {
  private static final PersistentVolumeClaim PVC =
      new PersistentVolumeClaimBuilder().withNewMetadata().withName("w").endMetadata().build();
  private static final Map<Integer, URI> ENDPOINTS = Map.of(80, URI.create("http://x.ns.svc:80/"));

  private static Pod pod(String phase, ContainerStateBuilder state) {
    var b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withLabels(Map.of("berth.session", "s-1"))
            .endMetadata();
    var status = b.withNewStatus().withPhase(phase);
    if (state != null) {
      status.withContainerStatuses(
          new ContainerStatusBuilder().withName("session").withState(state.build()).build());
    }
    return status.endStatus().build();
  }

  @Test
  void statesFollowTheClaimAndThePod() {
    assertThat(KubeObserver.state(null, null, false, ENDPOINTS))
        .isInstanceOf(ObservedState.Missing.class);
    assertThat(KubeObserver.state(PVC, null, false, ENDPOINTS))
        .isEqualTo(new ObservedState.Prepared());
    assertThat(KubeObserver.state(PVC, null, true, ENDPOINTS))
        .isInstanceOf(ObservedState.Exited.class);
    assertThat(KubeObserver.state(PVC, pod(null, null), true, ENDPOINTS))
        .isEqualTo(new ObservedState.Pending("pod not scheduled yet"));
    assertThat(
            KubeObserver.state(
                PVC,
                pod("Running", new ContainerStateBuilder().withNewRunning().endRunning()),
                true,
                ENDPOINTS))
        .isEqualTo(ObservedState.Running.direct(ENDPOINTS));
    assertThat(
            KubeObserver.state(
                PVC,
                pod(
                    "Failed",
                    new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(137)
                        .withReason("OOMKilled")
                        .endTerminated()),
                true,
                ENDPOINTS))
        .isEqualTo(
            new ObservedState.Exited(
                OptionalInt.of(137), "pod Failed, killed for running out of memory"));
    assertThat(KubeObserver.state(PVC, pod("Unknown", null), true, ENDPOINTS))
        .isInstanceOf(ObservedState.Unknown.class);
    var deleting =
        new PersistentVolumeClaimBuilder(PVC)
            .editMetadata()
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .build();
    assertThat(KubeObserver.state(deleting, null, false, ENDPOINTS))
        .isInstanceOf(ObservedState.Missing.class);
  }

  @Test
  void theNewestEventAboutThePodExplainsWhyItDoesNotRun() {
    List<Event> events =
        List.of(
            event("p", "Scheduled", "assigned", "2026-01-01T00:00:01Z"),
            event("other", "Failed", "not ours", "2026-01-01T00:00:09Z"),
            event("p", "FailedScheduling", "0/3 nodes are available", "2026-01-01T00:00:05Z"));
    assertThat(KubeObserver.newestEvent(events, "p"))
        .contains("FailedScheduling: 0/3 nodes are available");
    assertThat(KubeObserver.newestEvent(events, "q")).isEmpty();
  }

  private static Event event(String pod, String reason, String message, String when) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(pod + "." + reason)
        .endMetadata()
        .withNewInvolvedObject()
        .withName(pod)
        .endInvolvedObject()
        .withReason(reason)
        .withMessage(message)
        .withLastTimestamp(when)
        .build();
  }

  @Test
  void onlyTheMomentAContainerEndsIsAnEvent() {
    Pod running = pod("Running", new ContainerStateBuilder().withNewRunning().endRunning());
    Pod ended =
        pod(
            "Failed",
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(1)
                .withReason("Error")
                .endTerminated());
    assertThat(KubeWatcher.ended(running, ended))
        .contains(RuntimeEvent.of("s-1", RuntimeEvent.Kind.EXITED, "die exitCode=1 reason=Error"));
    assertThat(KubeWatcher.ended(ended, ended)).isEqualTo(Optional.empty());
    assertThat(KubeWatcher.ended(running, running)).isEmpty();
  }

  /** An extra container's end is an event too (the reconciler judges it), the main one's apart. */
  @Test
  void anExtraContainersEndIsAnEventOfItsOwn() {
    Pod running = pod("Running", new ContainerStateBuilder().withNewRunning().endRunning());
    Pod stepEnded =
        new io.fabric8.kubernetes.api.model.PodBuilder(running)
            .editStatus()
            .addNewContainerStatus()
            .withName("step")
            .withState(
                new ContainerStateBuilder()
                    .withNewTerminated()
                    .withExitCode(3)
                    .withReason("Error")
                    .endTerminated()
                    .build())
            .endContainerStatus()
            .endStatus()
            .build();
    assertThat(KubeWatcher.extraEnded(running, stepEnded))
        .containsExactly(
            RuntimeEvent.of(
                "s-1", RuntimeEvent.Kind.EXITED, "container step die exitCode=3 reason=Error"));
    assertThat(KubeWatcher.ended(running, stepEnded)).as("the main container runs").isEmpty();
    assertThat(KubeWatcher.extraEnded(stepEnded, stepEnded)).isEmpty();
  }
}
