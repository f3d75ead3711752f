package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TemplateVolumeStore;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import dev.berth.template.TemplateVolumeContent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * The read-only template volume on Kubernetes: one immutable ConfigMap per content of the
 * template's folder, mounted read-only into every container of every session of the template, a new
 * one when the files change, and removed by a collect once no template and no pod needs it.
 *
 * <p>No Kubernetes cluster can run here: this runs on fabric8's mock API server with the {@link
 * KubeletStandIn}, which stages a pod's configMap volumes (the ConfigMap's files at the items'
 * paths with their modes) into a Docker volume and mounts it read-only into the pod's containers,
 * as a kubelet does. So it proves the ConfigMap and the pod Berth asks for and what a session sees
 * through a kubelet that honours them, not a real kubelet's configMap volume.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesTemplateVolumeTest {
  static final String NAMESPACE = "berth-tvol";
  static final String PREFIX = "bt";
  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesRuntime runtime;
  static String tag;
  @TempDir static Path imageContext;
  @TempDir Path dir;
  @TempDir Path home;
  private final List<RuntimeSession> made = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    tag = "berthk8t" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, PREFIX, "test-" + tag)
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

  private Path files() throws IOException {
    Path files = Files.createDirectories(dir.resolve("files"));
    Files.writeString(files.resolve("model.txt"), "weights v1\n");
    Files.createDirectories(files.resolve("lib"));
    Path tool = Files.writeString(files.resolve("lib/tool.sh"), "#!/bin/sh\necho tool\n");
    tool.toFile().setExecutable(true);
    return files;
  }

  private static Template template(String name, Path files) {
    return Template.builder(name).templateVolume("/template", files).build();
  }

  private RuntimeSession started(Template t) {
    var s = RuntimeSession.fresh(SessionId.generate(), t, Map.of());
    made.add(s);
    s = s.withState(runtime.prepare(s));
    return s.withState(runtime.start(s).state());
  }

  private static ExecResult sh(RuntimeSession s, String type, String line) {
    return runtime
        .workspace(s, type)
        .exec(
            new ExecRequest(
                List.of("/bin/sh", "-c", line),
                WorkspacePath.ROOT,
                Map.of(),
                new byte[0],
                Duration.ofSeconds(30),
                4096));
  }

  private static String out(ExecResult r) {
    assertThat(r.exitCode()).as(new String(r.stderr(), UTF_8)).isZero();
    return new String(r.stdout(), UTF_8);
  }

  private static String configMapOf(RuntimeSession s) {
    KubeNames n = KubeNames.of(s.state(), NAMESPACE, PREFIX, s.template().name(), s.handle());
    var pod = cluster.client.pods().inNamespace(NAMESPACE).withName(n.pod()).get();
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getConfigMap() != null)
        .map(v -> v.getConfigMap().getName())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no configMap volume in pod " + n.pod()));
  }

  private static ConfigMap configMap(String name) {
    return cluster.client.configMaps().inNamespace(NAMESPACE).withName(name).get();
  }

  private static List<TemplateVolumeStore.Listed> listed(Template t) {
    return runtime.templateVolumes().orElseThrow().list(List.of(t)).stream()
        .filter(v -> v.template().equals(t.name()))
        .toList();
  }

  private static List<TemplateVolumeStore.Collected> collect(
      Template t, List<Template> current, Instant cutoff, boolean dryRun) {
    return runtime.templateVolumes().orElseThrow().collect(current, cutoff, dryRun).stream()
        .filter(c -> c.volume().template().equals(t.name()))
        .toList();
  }

  @Test
  void readOnlyInTheMainAndTheExtraContainerAndSharedByTheTemplatesSessions() throws IOException {
    Template t =
        template("tv" + tag, files()).toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(SessionContainer.of("plugin", List.of("/bin/sh", "-c", "sleep 600")))))
            .build();
    RuntimeSession a = started(t);
    RuntimeSession b = started(t);
    String hash = TemplateVolumeContent.hash(dir.resolve("files"));
    String name = PREFIX + "-tv-" + t.name() + "-" + hash.substring(0, 12);
    assertThat(configMapOf(a)).isEqualTo(name);
    assertThat(configMapOf(b)).as("both sessions mount the one ConfigMap").isEqualTo(name);
    assertThat(cluster.client.configMaps().inNamespace(NAMESPACE).list().getItems())
        .filteredOn(c -> c.getMetadata().getName().contains(t.name()))
        .hasSize(1);

    for (String type : List.of(SessionContainer.MAIN, "plugin")) {
      assertThat(
              out(
                  sh(
                      a,
                      type,
                      "cat /template/model.txt && /template/lib/tool.sh"
                          + " && echo $BERTH_TEMPLATE_FILES")))
          .as(type)
          .isEqualTo("weights v1\ntool\n/template\n");
      var write = sh(a, type, "echo x > /template/new.txt");
      assertThat(write.exitCode()).as("a write in " + type + " fails").isNotZero();
      assertThat(new String(write.stderr(), UTF_8)).containsIgnoringCase("read-only");
    }
    assertThat(out(sh(b, SessionContainer.MAIN, "stat -c %a /template/lib/tool.sh")))
        .as("an executable stays executable")
        .isEqualTo("555\n");
    assertThat(out(sh(b, SessionContainer.MAIN, "stat -c %a /template/model.txt")))
        .isEqualTo("444\n");

    ConfigMap cm = configMap(name);
    assertThat(cm.getImmutable()).isTrue();
    assertThat(cm.getMetadata().getLabels())
        .containsEntry(KubeLabels.INSTANCE, "test-" + tag)
        .containsEntry(KubeLabels.TYPE, "template-volume")
        .containsEntry(KubeLabels.TEMPLATE, t.name())
        .doesNotContainKey(KubeLabels.SESSION);
    assertThat(runtime.listOwned())
        .as("a template volume is no session's resource, so never an orphan")
        .noneMatch(r -> r.name().equals(name));

    var destroyed = runtime.destroy(a);
    assertThat(destroyed.complete()).isTrue();
    assertThat(destroyed.removed()).noneMatch(r -> r.name().equals(name));
    assertThat(configMap(name)).isNotNull();
    assertThat(out(sh(b, SessionContainer.MAIN, "cat /template/model.txt")))
        .isEqualTo("weights v1\n");
  }

  @Test
  void changedFilesGiveNewSessionsANewConfigMapAndGcTakesTheOldOneWhenItsPodIsGone()
      throws IOException {
    Path files = files();
    Template t = template("tc" + tag, files);
    RuntimeSession old = started(t);
    String oldName = configMapOf(old);

    Files.writeString(files.resolve("model.txt"), "weights v2\n");
    RuntimeSession fresh = started(t);
    String newName = configMapOf(fresh);
    assertThat(newName).isNotEqualTo(oldName).startsWith(PREFIX + "-tv-" + t.name() + "-");
    assertThat(out(sh(fresh, SessionContainer.MAIN, "cat /template/model.txt")))
        .isEqualTo("weights v2\n");
    assertThat(out(sh(old, SessionContainer.MAIN, "cat /template/model.txt")))
        .as("the session made on the old files keeps them")
        .isEqualTo("weights v1\n");

    // a stop and start makes a new pod: it gets the ConfigMap the session was made with
    RuntimeSession stopped = old.withState(runtime.stop(old, Duration.ofSeconds(1)));
    RuntimeSession restarted = stopped.withState(runtime.start(stopped).state());
    assertThat(configMapOf(restarted)).isEqualTo(oldName);
    assertThat(out(sh(restarted, SessionContainer.MAIN, "cat /template/model.txt")))
        .isEqualTo("weights v1\n");

    var listed = listed(t);
    assertThat(listed).extracting(TemplateVolumeStore.Listed::name).contains(oldName, newName);
    assertThat(listed)
        .allSatisfy(v -> assertThat(v.usedBy()).hasSize(1))
        .allSatisfy(v -> assertThat(v.current()).isEqualTo(v.name().equals(newName)));
    Instant later = Instant.now().plusSeconds(60);
    assertThat(collect(t, List.of(t), later, false))
        .as("nothing is collected while the old session still has its pod")
        .isEmpty();

    runtime.destroy(restarted);
    assertThat(collect(t, List.of(t), Instant.EPOCH, false))
        .as("a ConfigMap younger than the grace period stays")
        .isEmpty();
    assertThat(collect(t, List.of(t), later, true))
        .as("a dry run names the old one")
        .extracting(c -> c.volume().name())
        .containsExactly(oldName);
    assertThat(configMap(oldName)).as("and removes nothing").isNotNull();
    assertThat(collect(t, List.of(t), later, false))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.volume().name()).isEqualTo(oldName);
              assertThat(c.failure()).isEmpty();
            });
    assertThat(configMap(oldName)).isNull();
    assertThat(listed(t)).extracting(TemplateVolumeStore.Listed::name).containsExactly(newName);

    runtime.destroy(fresh);
    assertThat(collect(t, List.of(t), later, false))
        .as("the current files' ConfigMap stays while the template needs it")
        .isEmpty();
    assertThat(collect(t, List.of(), later, false))
        .as("once the template is gone, its ConfigMap goes too")
        .extracting(c -> c.volume().name())
        .containsExactly(newName);
    assertThat(configMap(newName)).isNull();
  }

  @Test
  void aConfigMapOfThatNameThatIsNotBerthsIsAConflict() throws IOException {
    Path files = files();
    Template t = template("ts" + tag, files);
    String name = KubeTemplateVolumes.name(PREFIX, t.name(), TemplateVolumeContent.hash(files));
    cluster
        .client
        .configMaps()
        .inNamespace(NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withData(Map.of("a", "b"))
                .build())
        .create();
    var s = RuntimeSession.fresh(SessionId.generate(), t, Map.of());
    made.add(s);
    assertThatThrownBy(() -> runtime.prepare(s))
        .isInstanceOf(BerthException.class)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining(name);
    assertThat(configMap(name).getData()).as("a stranger's ConfigMap is left alone").hasSize(1);
  }

  @Test
  void aFolderOverOneMebibyteIsRefusedAtCreateAndNothingIsMade() throws IOException {
    Path files = Files.createDirectories(dir.resolve("big"));
    Files.write(files.resolve("data.bin"), new byte[1024 * 1024 + 1]);
    Template big = template("tb" + tag, files);
    var catalog = new TemplateCatalog(Map.of(big.name(), big));
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
      String id = "kt" + tag.substring(tag.length() - 4);
      assertThatThrownBy(
              () ->
                  service.create(
                      new CreateSessionRequest(
                          Optional.of(SessionId.of(id)),
                          Optional.of(big.name()),
                          Optional.empty(),
                          Map.of(),
                          false)))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining("1048577 bytes")
          .hasMessageContaining("1048576")
          .hasMessageContaining("docker backend")
          .satisfies(
              e ->
                  assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
      assertThat(registry.sessions().find(SessionId.of(id))).isEmpty();
      assertThat(cluster.client.configMaps().inNamespace(NAMESPACE).list().getItems())
          .noneMatch(c -> c.getMetadata().getName().contains(big.name()));
      assertThat(cluster.client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems())
          .noneMatch(c -> c.getMetadata().getName().contains(big.name()));
      assertThat(cluster.client.pods().inNamespace(NAMESPACE).list().getItems())
          .noneMatch(p -> p.getMetadata().getName().contains(big.name()));
    }
  }
}
