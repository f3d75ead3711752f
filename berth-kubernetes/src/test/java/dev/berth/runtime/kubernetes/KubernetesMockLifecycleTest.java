package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.RuntimeEvent;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.StartResult;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime against fabric8's mock API server alone (CRUD mode, no Docker): objects, labels,
 * status reading, cleanup receipts, watches and failure messages. The mock has no kubelet, so pod
 * status stays empty unless the test sets it: each test plays the kubelet's part where it needs to
 * ({@link #kubelet}), and says which status it sets.
 */
class KubernetesMockLifecycleTest {
  static final String NS = "berth-mock";
  static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
  static MockCluster cluster;
  static KubernetesRuntime runtime;
  private final List<RuntimeSession> made = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    cluster = new MockCluster();
    runtime = new KubernetesRuntime(cluster.client, options());
  }

  /** A start waits a minute: the test plays the kubelet, and a loaded machine may be slow at it. */
  private static KubernetesOptions options() {
    return KubernetesOptions.defaults(NS, "berth", "inst-a")
        .withStartTimeout(Duration.ofSeconds(60))
        .withEndpoints(EndpointMode.SERVICE); // port-forwards: KubernetesPortForwardTest
  }

  @AfterAll
  static void stop() {
    REQUESTS.addAll(cluster.requests);
    cluster.close();
  }

  @AfterEach
  void cleanUp() {
    made.forEach(runtime::destroy);
  }

  private static Template web() {
    return TestTemplates.with(
        "web",
        Optional.of("registry.example/web:1"),
        List.of("serve"),
        List.of(8080),
        Optional.empty(),
        Optional.empty());
  }

  private RuntimeSession prepared(Template t) {
    var s = RuntimeSession.fresh(SessionId.generate(), t, Map.of("suite", "mock"));
    made.add(s);
    return s.withState(runtime.prepare(s));
  }

  /** Plays the kubelet: gives the pod a status. */
  private static void kubelet(String pod, String phase, ContainerStateBuilder state) {
    Pod p = cluster.client.pods().inNamespace(NS).withName(pod).get();
    p.setStatus(
        new PodStatusBuilder()
            .withPhase(phase)
            .withContainerStatuses(
                new ContainerStatusBuilder().withName("session").withState(state.build()).build())
            .build());
    cluster.client.pods().inNamespace(NS).resource(p).updateStatus();
  }

  private static ContainerStateBuilder running() {
    return new ContainerStateBuilder()
        .withNewRunning()
        .withStartedAt("2026-01-01T00:00:00Z")
        .endRunning();
  }

  /**
   * Starts in the background, plays the kubelet once the pod exists, returns the started session.
   */
  private RuntimeSession started(RuntimeSession s) {
    String pod = s.state().get("name");
    var start = CompletableFuture.supplyAsync(() -> runtime.start(s));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.client.pods().inNamespace(NS).withName(pod).get() != null);
    kubelet(pod, "Running", running());
    lastStart = start.join();
    return s.withState(lastStart.state());
  }

  /** What the last {@link #started} call's start answered. */
  private StartResult lastStart;

  @Test
  void prepareMakesAClaimAServiceAndAPolicyAllLabelledAndStartRunsThePod() {
    RuntimeSession s = prepared(web());
    String name = s.state().get("name");
    assertThat(runtime.inspect(s)).isInstanceOf(ObservedState.Prepared.class);
    assertThat(runtime.listOwned())
        .filteredOn(r -> r.handle().equals(s.id().value()))
        .extracting(OwnedResource::kind)
        .containsExactlyInAnyOrder("service", "networkpolicy", "persistentvolumeclaim");

    RuntimeSession st = started(s);
    assertThat(runtime.inspect(st))
        .isEqualTo(
            ObservedState.Running.direct(
                Map.of(8080, URI.create("http://" + name + "." + NS + ".svc:8080/"))));
    assertThat(lastStart.endpoints())
        .isEqualTo(Map.of(8080, URI.create("http://" + name + "." + NS + ".svc:8080/")));
    assertThat(cluster.client.pods().inNamespace(NS).withName(name).get().getMetadata().getLabels())
        .containsEntry("berth.session", s.id().value())
        .containsEntry("berth.template", "web")
        .containsEntry("berth.instance", "inst-a")
        .containsEntry("berth.type", "session");
    assertThat(runtime.start(st).state()).isEqualTo(st.state()); // running: nothing to do
    assertThat(runtime.logTail(st, 10)).doesNotContain("cannot read");

    RuntimeSession stopped = st.withState(runtime.stop(st, Duration.ofSeconds(1)));
    assertThat(cluster.client.pods().inNamespace(NS).withName(name).get()).isNull();
    assertThat(runtime.inspect(stopped)).isInstanceOf(ObservedState.Prepared.class);
  }

  /**
   * A stop deletes the pod, so every start makes a new one from the template it is given: the
   * template as it is now, its image included (the image recorded at prepare is not kept).
   */
  @Test
  void aStartAfterATemplateEditMakesThePodFromTheEditedTemplate() {
    RuntimeSession s = prepared(web());
    String name = s.state().get("name");
    RuntimeSession stopped = started(s);
    stopped = stopped.withState(runtime.stop(stopped, Duration.ofSeconds(1)));

    Template edited =
        web().toBuilder()
            .image("registry.example/web:2")
            .command("serve", "--v2")
            .env(Map.of("GREETING", "two"))
            .build();
    var again =
        new RuntimeSession(
            stopped.id(), stopped.handle(), edited, stopped.labels(), stopped.state());
    RuntimeSession restarted = started(again);

    var container =
        cluster.client.pods().inNamespace(NS).withName(name).get().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example/web:2");
    assertThat(container.getArgs()).containsExactly("serve", "--v2");
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("GREETING");
              assertThat(e.getValue()).isEqualTo("two");
            });
    assertThat(restarted.state().get("image")).isEqualTo("registry.example/web:2");
  }

  @Test
  void destroyReportsEveryObjectOnceAndLeavesStrangersAlone() {
    RuntimeSession s = started(prepared(web()));
    String name = s.state().get("name");
    // an object with the session's label but another installation's: never touched
    cluster
        .client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("stranger")
                .withLabels(
                    Map.of("berth.session", s.id().value(), "berth.instance", "someone-else"))
                .endMetadata()
                .build())
        .create();

    CleanupReport report = runtime.destroy(s);
    assertThat(report.failed()).isEmpty();
    assertThat(report.removed())
        .containsExactly(
            new CleanupReport.RemovedResource("pod", name),
            new CleanupReport.RemovedResource("service", name),
            new CleanupReport.RemovedResource("networkpolicy", name),
            new CleanupReport.RemovedResource("persistentvolumeclaim", name));
    assertThat(runtime.inspect(s)).isInstanceOf(ObservedState.Missing.class);
    assertThat(runtime.destroy(s)).isEqualTo(CleanupReport.empty());
    assertThat(cluster.client.persistentVolumeClaims().inNamespace(NS).withName("stranger").get())
        .isNotNull();
    cluster.client.persistentVolumeClaims().inNamespace(NS).withName("stranger").delete();
  }

  @Test
  void aNameTakenByAStrangerIsAConflictAndNothingIsLeftBehind() {
    var s = RuntimeSession.fresh(SessionId.generate(), web(), Map.of());
    String name = KubeNames.generate(NS, "berth", "web", s.handle()).pvc();
    cluster
        .client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build())
        .create();
    assertThatThrownBy(() -> runtime.prepare(s))
        .isInstanceOf(BerthException.class)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining(name);
    assertThat(runtime.destroy(s).removed()).isEmpty(); // the stranger's claim stays
    assertThat(cluster.client.persistentVolumeClaims().inNamespace(NS).withName(name).get())
        .isNotNull();
    cluster.client.persistentVolumeClaims().inNamespace(NS).withName(name).delete();
  }

  @Test
  void aPodThatNeverRunsFailsTheStartWithTheClustersReason() {
    RuntimeSession s = prepared(web());
    String pod = s.state().get("name");
    // the test plays a kubelet that reports the image cannot be pulled; the pod stays Pending
    // past the start timeout of a runtime that waits 5 s
    var impatient =
        new KubernetesRuntime(cluster.client, options().withStartTimeout(Duration.ofSeconds(5)));
    var start = CompletableFuture.supplyAsync(() -> impatient.start(s));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.client.pods().inNamespace(NS).withName(pod).get() != null);
    kubelet(
        pod,
        "Pending",
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("cannot pull")
            .endWaiting());
    assertThat(start)
        .failsWithin(Duration.ofSeconds(20))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(BerthException.class)
        .withMessageContaining("did not run within 5s")
        .withMessageContaining("ImagePullBackOff: cannot pull");
    // The runtime also asks for the pod's events (fieldSelector involvedObject.name) to add the
    // newest one to the message; the mock cannot select by that field and answers none, so that
    // part is tested on objects in KubeObserverTest.
    assertThat(cluster.requests)
        .anyMatch(r -> r.startsWith("GET /api/v1/namespaces/" + NS + "/events?fieldSelector="));
    assertThat(runtime.inspect(s))
        .isEqualTo(new ObservedState.Pending("ImagePullBackOff: cannot pull"));
    impatient.close();
  }

  @Test
  void theWatchReportsExitsOomKillsAndRemovals() throws Exception {
    List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
    try (AutoCloseable watch = runtime.watch(events::add)) {
      RuntimeSession a = started(prepared(web()));
      RuntimeSession b = started(prepared(web()));
      // the test plays a kubelet whose container was OOM-killed, then one that exited
      kubelet(
          a.state().get("name"),
          "Failed",
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(137)
              .withReason("OOMKilled")
              .endTerminated());
      kubelet(
          b.state().get("name"),
          "Failed",
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(3)
              .withReason("Error")
              .endTerminated());
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
      assertThat(events)
          .contains(
              RuntimeEvent.of(
                  a.id().value(), RuntimeEvent.Kind.OOM, "oom exitCode=137 reason=OOMKilled"),
              RuntimeEvent.of(
                  b.id().value(), RuntimeEvent.Kind.EXITED, "die exitCode=3 reason=Error"));
      assertThat(runtime.inspect(a))
          .isInstanceOfSatisfying(
              ObservedState.Exited.class, e -> assertThat(e.detail()).contains("out of memory"));

      cluster.client.pods().inNamespace(NS).withName(b.state().get("name")).delete();
      cluster
          .client
          .persistentVolumeClaims()
          .inNamespace(NS)
          .withName(b.state().get("name"))
          .delete();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(events)
                      .filteredOn(e -> e.kind() == RuntimeEvent.Kind.REMOVED)
                      .extracting(e -> e.handle().orElseThrow())
                      .contains(b.id().value()));
      assertThat(runtime.inspect(b)).isInstanceOf(ObservedState.Missing.class);
    }
  }

  @Test
  void pingSaysTheApiServerAnswers() {
    assertThat(runtime.ping()).isNull();
    assertThat(runtime.kind()).isEqualTo("kubernetes");
  }
}
