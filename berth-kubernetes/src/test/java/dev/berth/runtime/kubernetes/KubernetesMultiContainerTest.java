package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.runtime.Ability;
import dev.berth.runtime.Backends;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.ContainerStatus.Phase;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.template.AfterCondition;
import dev.berth.template.ContainerDependency;
import dev.berth.template.ContainerStart;
import dev.berth.template.ContainerTemplateImage;
import dev.berth.template.ImageBuild;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions of several typed containers on Kubernetes, as containers of the session's pod. They run
 * on fabric8's mock API server with the {@link KubeletStandIn}, which runs each pod container as a
 * Docker container on the machine's engine (sharing the first one's network namespace, as a pod's
 * containers do), because no Kubernetes cluster can run here: so this proves the pod Berth asks
 * for, the runtime's reading of {@code containerStatuses} and its exec into a named container, not
 * what a real kubelet does with them.
 *
 * <p>The pipeline: a processor writes {@code in.txt}, a plugin turns it into {@code out.txt} (upper
 * case) and serves the workspace on 8081, a merger fetches {@code out.txt} from {@code
 * http://plugin:8081/} (the type name, through the pod's host aliases) and writes {@code
 * result.txt}; a reader mounts the workspace read-only; a step writes a file and exits with 3.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesMultiContainerTest {
  static final String NAMESPACE = "berth-multi";
  static final int PLUGIN_PORT = 8081;
  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesRuntime runtime;
  static String tag;
  @TempDir static Path imageContext;
  @TempDir Path home;
  private final List<RuntimeSession> made = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    tag = "berthk8m" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, "bm", "test-" + tag)
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

  @AfterEach
  void cleanUp() {
    made.forEach(runtime::destroy);
  }

  private static List<String> sh(String line) {
    return List.of("/bin/sh", "-c", line);
  }

  private static Template pipeline(String name) {
    return Template.builder(name)
        .containers(
            SessionContainers.ordered(
                List.of(
                    SessionContainer.of(
                        "processor",
                        sh(
                            "echo processing; echo 'hello pipeline' > in.txt.part"
                                + " && mv in.txt.part in.txt; exec sleep infinity")),
                    SessionContainer.of(
                            "plugin",
                            sh(
                                "until [ -f in.txt ]; do sleep 0.1; done;"
                                    + " tr a-z A-Z < in.txt > out.txt.part && mv out.txt.part"
                                    + " out.txt; exec httpd -f -p "
                                    + PLUGIN_PORT
                                    + " -h $BERTH_WORKSPACE"))
                        .after(List.of("processor"))
                        .withProbe(Optional.empty(), List.of(PLUGIN_PORT)),
                    SessionContainer.of(
                            "merger",
                            sh(
                                "until wget -q -O got.part http://plugin:"
                                    + PLUGIN_PORT
                                    + "/out.txt; do sleep 0.1; done;"
                                    + " (echo merged; cat got.part) > result.txt.part"
                                    + " && mv result.txt.part result.txt; exec sleep infinity"))
                        .after(List.of("plugin")),
                    SessionContainer.of("reader", sh("exec sleep infinity")).mounting("", true),
                    SessionContainer.of("step", sh("echo done > step.txt; exit 3")))))
        .build();
  }

  private RuntimeSession started(Template t) {
    var s = RuntimeSession.fresh(SessionId.generate(), t, Map.of("suite", "multi"));
    made.add(s);
    s = s.withState(runtime.prepare(s));
    return s.withState(runtime.start(s).state());
  }

  private static ExecResult exec(RuntimeSession s, String type, String line) {
    return runtime
        .workspace(s, type)
        .exec(
            new ExecRequest(
                sh(line), WorkspacePath.ROOT, Map.of(), new byte[0], Duration.ofSeconds(30), 4096));
  }

  private static String file(RuntimeSession s, String path) {
    return new String(runtime.workspace(s).readFile(WorkspacePath.parse(path), 4096), UTF_8);
  }

  private static Map<String, ContainerStatus> byType(RuntimeSession s) {
    Map<String, ContainerStatus> out = new java.util.LinkedHashMap<>();
    runtime.containers(s).forEach(c -> out.put(c.type(), c));
    return out;
  }

  @Test
  void aPipelineOfPodContainersRunsToItsResultOnOneClaim() {
    assertThat(runtime.abilities()).contains(Ability.CONTAINERS);
    var s = started(pipeline("pipe-" + tag));

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(file(s, "result.txt")).isEqualTo("merged\nHELLO PIPELINE\n"));
    assertThat(file(s, "step.txt")).isEqualTo("done\n");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var all = byType(s);
              assertThat(all.keySet())
                  .containsExactly("session", "processor", "plugin", "merger", "reader", "step");
              for (String type : List.of("session", "processor", "plugin", "merger", "reader")) {
                assertThat(all.get(type).phase()).as(type).isEqualTo(Phase.RUNNING);
              }
              var step = all.get("step");
              assertThat(step.phase()).isEqualTo(Phase.EXITED);
              assertThat(step.exitCode()).hasValue(3);
              assertThat(step.detail()).contains("exited with code 3");
            });
    assertThat(byType(s).get("plugin").name()).endsWith("/plugin");
    assertThat(runtime.inspect(s))
        .as("an extra container's end does not end the session's pod")
        .isInstanceOf(dev.berth.runtime.ObservedState.Running.class);
  }

  @Test
  void execAndLogsGoToTheNamedContainer() {
    var s = started(pipeline("pipx-" + tag));
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> file(s, "result.txt").startsWith("merged"));

    ExecResult inReader = exec(s, "reader", "echo $BERTH_CONTAINER; cat result.txt");
    assertThat(inReader.exitCode()).isZero();
    assertThat(new String(inReader.stdout(), UTF_8)).isEqualTo("reader\nmerged\nHELLO PIPELINE\n");
    ExecResult write = exec(s, "reader", "echo x > nope.txt");
    assertThat(write.exitCode()).as("the reader mounts the workspace read-only").isNotZero();
    assertThat(exec(s, "processor", "echo y > yes.txt").exitCode()).isZero();
    assertThat(new String(exec(s, "session", "echo $BERTH_CONTAINER").stdout(), UTF_8))
        .as("the main container has no BERTH_CONTAINER")
        .isEqualTo("\n");
    ExecResult reach =
        exec(s, "processor", "wget -q -O - http://plugin:" + PLUGIN_PORT + "/in.txt");
    assertThat(new String(reach.stdout(), UTF_8))
        .as("the processor reaches the plugin by its type name")
        .isEqualTo("hello pipeline\n");

    assertThat(runtime.logTail(s, "processor", 10)).isEqualTo("processing");

    assertThatThrownBy(() -> runtime.workspace(s, "nobody"))
        .isInstanceOf(BerthException.class)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> runtime.startContainer(s, "step"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("restartPolicy")
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.CONFLICT));
    assertThatThrownBy(() -> runtime.stopContainer(s, "plugin", Duration.ofSeconds(1)))
        .isInstanceOf(BerthException.class)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.CONFLICT));

    String pod = s.state().get("name");
    runtime.destroy(s);
    made.remove(s);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        KubeletStandIn.docker(
                                List.of("ps", "-aq", "--filter", "name=" + tag + "-" + pod))
                            .out())
                    .as("every container of the pod goes with it")
                    .isEmpty());
  }

  /**
   * A manual container cannot be added to a running pod: create is refused (422) with a message
   * that points at the docker backend, and nothing is made.
   */
  @Test
  void aManualContainerIsRefusedAtCreateAndNothingIsMade() {
    Template manual =
        Template.builder("manual")
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("later", sh("sleep 600"))
                            .starting(ContainerStart.MANUAL))))
            .build();
    assertRefusedMakingNothing(manual, "km", "start: manual", "docker backend");
  }

  /** What a Docker pipeline waits for: a step done, a service ready. */
  private static Template waiting(String name) {
    return Template.builder(name)
        .containers(
            SessionContainers.ordered(
                List.of(
                    SessionContainer.of("processor", sh("echo hi > in.txt")),
                    SessionContainer.of("merger", sh("cat in.txt; exec sleep infinity"))
                        .waitingFor(
                            List.of(new ContainerDependency("processor", AfterCondition.DONE))))))
        .build();
  }

  /**
   * after's ready and done cannot be honoured in a pod (its containers start together): refused at
   * create (422) naming both containers and the way out, and nothing is made. The list form keeps
   * working (the pipeline above uses it).
   */
  @Test
  void aContainerWaitingForAnotherToBeDoneIsRefusedAtCreateAndNothingIsMade() {
    assertRefusedMakingNothing(
        waiting("waits"),
        "kw",
        "template 'waits' has container 'merger' waiting for 'processor' to be done (after:"
            + " {processor: done})",
        "Kubernetes starts a pod's containers together",
        "Use after's list form",
        "docker backend");
  }

  /**
   * A session made before its template asked for a wait is not started without it: the start is
   * refused before any pod exists.
   */
  @Test
  void aStartOfATemplateEditedToWaitIsRefusedBeforeAPodIsMade() {
    var s = RuntimeSession.fresh(SessionId.generate(), waiting("edited"), Map.of("suite", "multi"));
    made.add(s);
    RuntimeSession prepared = s.withState(runtime.prepare(s));

    assertThatThrownBy(() -> runtime.start(prepared))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("waiting for 'processor' to be done")
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(cluster.client.pods().inNamespace(NAMESPACE).list().getItems())
        .filteredOn(p -> p.getMetadata().getName().contains("edited"))
        .isEmpty();
  }

  /**
   * A container on an image Berth builds from a template of the family ({@code template:}) is
   * refused as a main image Berth builds is: the image stays on the Docker engine where it is
   * built, so no node could pull it. 422, not {@code image_not_built}: building it would not help.
   */
  @Test
  void aContainerOnAnImageBerthBuildsIsRefusedAtCreateAndNothingIsMade() {
    ImageBuild build =
        new ImageBuild("plugin-img", home, "Dockerfile", Map.of(), Map.of(), Optional.empty());
    Template built =
        Template.builder("built")
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("plugin", sh("sleep 600"))
                            .withTemplateImage(
                                Optional.of(
                                    new ContainerTemplateImage(
                                        "plugin-img", Optional.of(build)))))))
            .build();
    assertRefusedMakingNothing(
        built,
        "kb",
        "has container 'plugin' on the image Berth builds from template 'plugin-img'",
        "no Kubernetes node can pull it",
        "Docker backend");
  }

  /** A create of {@code t} is a 422 with every part of the message, and makes nothing. */
  private void assertRefusedMakingNothing(Template t, String idPrefix, String... message) {
    var catalog = new TemplateCatalog(Map.of(t.name(), t));
    try (Registry registry = Registry.openSqlite(home.resolve("berth.db"))) {
      var service =
          new SessionService(
              registry,
              Backends.of(runtime),
              catalog,
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      String id = idPrefix + tag.substring(tag.length() - 4);
      var refused =
          assertThatThrownBy(
                  () ->
                      service.create(
                          new CreateSessionRequest(
                              Optional.of(SessionId.of(id)),
                              Optional.of(t.name()),
                              Optional.empty(),
                              Map.of(),
                              false)))
              .isInstanceOf(BerthException.class)
              .isNotInstanceOf(dev.berth.service.ImageNotBuiltException.class);
      for (String part : message) {
        refused.hasMessageContaining(part);
      }
      refused.satisfies(
          e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
      assertThat(registry.sessions().find(SessionId.of(id))).isEmpty();
      assertThat(cluster.client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
          .filteredOn(c -> c.getMetadata().getName().contains(t.name()))
          .isEmpty();
      assertThat(cluster.client.pods().inNamespace(NAMESPACE).list().getItems())
          .filteredOn(p -> p.getMetadata().getName().contains(t.name()))
          .isEmpty();
    }
  }

  /**
   * A pod cannot restart one of its containers, so when an extra container ends the reconciler
   * restarts the session as a whole, by the template's restart policy: FAILED with the container
   * named and a restart scheduled (nothing of it runs meanwhile), then RUNNING again on a fresh
   * pod.
   */
  @Test
  void anEndedPodContainerRestartsTheSessionAsAWholeByItsPolicy() {
    Template crashing =
        Template.builder("crashing")
            .restart(
                new dev.berth.template.RestartPolicy(
                    dev.berth.template.RestartPolicy.Mode.ON_FAILURE,
                    2,
                    Duration.ofMillis(200),
                    Duration.ofMillis(400)))
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of(
                            "plugin",
                            List.of(
                                "/bin/sh",
                                "-c",
                                "until [ -f crash ]; do sleep 0.2; done; rm crash; exit 3")))))
            .build();
    try (Registry registry = Registry.openSqlite(home.resolve("berth.db"))) {
      var service =
          new SessionService(
              registry,
              Backends.of(runtime),
              new TemplateCatalog(Map.of("crashing", crashing)),
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      var reconciler =
          new dev.berth.reconcile.SessionReconciler(
              service, dev.berth.reconcile.ReconcileMetrics.NONE);
      SessionId id = SessionId.of("kc" + tag.substring(tag.length() - 4));
      var created =
          service.create(
              new CreateSessionRequest(
                  Optional.of(id), Optional.of("crashing"), Optional.empty(), Map.of(), true));
      try {
        assertThat(created.session().status())
            .as(created.session().statusReason())
            .isEqualTo(dev.berth.session.SessionStatus.RUNNING);
        String firstPod = pod(id);
        service
            .workspace()
            .exec(
                id,
                new dev.berth.session.ExecCommand(
                    List.of("/bin/sh", "-c", "touch crash"),
                    Optional.empty(),
                    Map.of(),
                    new byte[0],
                    Optional.empty()));
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () -> {
                  reconciler.reconcile(id);
                  assertThat(service.get(id).status())
                      .isEqualTo(dev.berth.session.SessionStatus.FAILED);
                });
        var failed = service.get(id);
        assertThat(failed.statusReason())
            .contains("its container 'plugin' ended, and its backend cannot restart one container")
            .contains("restart 1 of 2");
        assertThat(failed.lifecycle().nextRestartAt()).isPresent();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () -> {
                  reconciler.reconcile(id);
                  assertThat(service.get(id).status())
                      .isEqualTo(dev.berth.session.SessionStatus.RUNNING);
                });
        assertThat(pod(id)).as("a fresh pod").isNotEqualTo(firstPod);
      } finally {
        service.delete(id);
      }
    }
  }

  /** The uid of the session's pod now. */
  private static String pod(SessionId id) {
    return cluster.client.pods().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(
            p ->
                id.value().equals(p.getMetadata().getLabels().get(KubeLabels.SESSION))
                    && KubeLabels.TYPE_SESSION.equals(
                        p.getMetadata().getLabels().get(KubeLabels.TYPE)))
        .map(p -> p.getMetadata().getUid())
        .findFirst()
        .orElse("");
  }
}
