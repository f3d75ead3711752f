package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.ContainerStart;
import dev.berth.template.ResourceLimits;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The manifest builders are pure: each is checked against the whole expected object. */
class KubeManifestsTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final KubernetesOptions OPTIONS =
      KubernetesOptions.defaults("sessions", "berth", "inst-1")
          .withStorage(Optional.of("fast"), "5Gi");

  private static Template web() {
    return web(dev.berth.template.WorkspaceVolume.DEFAULT);
  }

  private static Template web(dev.berth.template.WorkspaceVolume volume) {
    return Template.builder("web")
        .description("a web app")
        .image("registry.example/web:1")
        .command("python3", "-m", "http.server", "8000")
        .user("1001:2002")
        .env(Map.of("GREETING", "hello"))
        .ports(8000, 9000)
        .resources(new ResourceLimits(1.5, 512L * 1024 * 1024, 100))
        .capabilities(List.of("cap_net_bind_service"))
        .volume(volume)
        .build();
  }

  private static RuntimeSession session(Template t) {
    return RuntimeSession.fresh(SessionId.of("s-abc"), t, Map.of("team", "blue"));
  }

  private static KubeNames names(Template t) {
    return KubeNames.generate("sessions", "berth", t.name(), "s-abc");
  }

  private static final String META =
      """
        namespace: sessions
        labels:
          berth.instance: inst-1
          berth.session: s-abc
          berth.template: web
          berth.type: %s
        annotations:
          berth.created: "2026-01-02T03:04:05Z"
          berth.labels: '{"team":"blue"}'
      """;

  @Test
  void theSessionPodIsHardenedAndCarriesTheTemplate() {
    Pod expected =
        Serialization.unmarshal(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: berth-web-s-abc
            """
                + META.formatted("session")
                + """
            spec:
              hostname: s-abc
              restartPolicy: Never
              automountServiceAccountToken: false
              enableServiceLinks: false
              shareProcessNamespace: true
              securityContext:
                runAsNonRoot: true
                runAsUser: 1001
                runAsGroup: 2002
                fsGroup: 2002
                fsGroupChangePolicy: OnRootMismatch
                seccompProfile: {type: RuntimeDefault}
              containers:
              - name: session
                image: registry.example/web:1
                imagePullPolicy: IfNotPresent
                args: [python3, -m, http.server, "8000"]
                workingDir: /workspace
                env:
                - {name: BERTH_SESSION_ID, value: s-abc}
                - {name: BERTH_WORKSPACE, value: /workspace}
                - {name: GREETING, value: hello}
                - {name: PORT, value: "8000"}
                ports:
                - {name: p8000, containerPort: 8000, protocol: TCP}
                - {name: p9000, containerPort: 9000, protocol: TCP}
                resources:
                  limits: {cpu: 1500m, memory: "536870912"}
                  requests: {cpu: 1500m, memory: "536870912"}
                volumeMounts:
                - {name: workspace, mountPath: /workspace}
                securityContext:
                  runAsNonRoot: true
                  privileged: false
                  allowPrivilegeEscalation: false
                  capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                  seccompProfile: {type: RuntimeDefault}
              volumes:
              - name: workspace
                persistentVolumeClaim: {claimName: berth-web-s-abc, readOnly: false}
            """,
            Pod.class);
    Template t = web();
    assertThat(
            KubeManifests.sessionPod(session(t), names(t), OPTIONS, "registry.example/web:1", NOW))
        .isEqualTo(expected);
  }

  @Test
  void theHelperPodMountsTheWorkspaceAndRunsNoApp() {
    Template t = web();
    Pod helper =
        KubeManifests.helperPod(session(t), names(t), OPTIONS, "registry.example/web:1", NOW);
    Pod app =
        KubeManifests.sessionPod(session(t), names(t), OPTIONS, "registry.example/web:1", NOW);
    assertThat(helper.getMetadata().getName()).isEqualTo("berth-web-s-abc-h");
    assertThat(helper.getMetadata().getLabels()).containsEntry("berth.type", "helper");
    var c = helper.getSpec().getContainers().get(0);
    assertThat(c.getCommand()).containsExactly("sleep", "infinity");
    assertThat(c.getArgs()).isEmpty();
    assertThat(c.getPorts()).isEmpty();
    assertThat(c.getSecurityContext())
        .isEqualTo(app.getSpec().getContainers().get(0).getSecurityContext());
    assertThat(helper.getSpec().getSecurityContext()).isEqualTo(app.getSpec().getSecurityContext());
    assertThat(helper.getSpec().getVolumes()).isEqualTo(app.getSpec().getVolumes());
    assertThat(c.getResources().getLimits()).isEmpty();
  }

  @Test
  void theWorkspaceClaimHasTheConfiguredClassAndSize() {
    PersistentVolumeClaim expected =
        Serialization.unmarshal(
            """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: berth-web-s-abc
            """
                + META.formatted("workspace")
                + """
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: fast
              resources:
                requests: {storage: 5Gi}
            """,
            PersistentVolumeClaim.class);
    Template t = web();
    assertThat(KubeManifests.pvc(session(t), names(t), OPTIONS, NOW)).isEqualTo(expected);
  }

  @Test
  void aTemplatesOwnVolumeSizeAndClassWinOverTheInstallations() {
    Template big =
        web(new dev.berth.template.WorkspaceVolume(Optional.of("50Gi"), Optional.of("ssd")));
    var claim = KubeManifests.pvc(session(big), names(big), OPTIONS, NOW);
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("50Gi");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("ssd");

    Template onlySize =
        web(new dev.berth.template.WorkspaceVolume(Optional.of("20Gi"), Optional.empty()));
    var partly = KubeManifests.pvc(session(onlySize), names(onlySize), OPTIONS, NOW);
    assertThat(partly.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("20Gi");
    assertThat(partly.getSpec().getStorageClassName()).as("the installation's").isEqualTo("fast");
  }

  @Test
  void theServiceSelectsOnlyTheSessionPod() {
    Service expected =
        Serialization.unmarshal(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: berth-web-s-abc
            """
                + META.formatted("service")
                + """
            spec:
              type: ClusterIP
              selector: {berth.instance: inst-1, berth.session: s-abc, berth.type: session}
              ports:
              - {name: p8000, port: 8000, targetPort: 8000, protocol: TCP}
              - {name: p9000, port: 9000, targetPort: 9000, protocol: TCP}
            """,
            Service.class);
    Template t = web();
    assertThat(KubeManifests.service(session(t), names(t), OPTIONS, NOW)).isEqualTo(expected);
  }

  @Test
  void theNetworkPolicyAdmitsOnlyBerth() {
    NetworkPolicy expected =
        Serialization.unmarshal(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: berth-web-s-abc
            """
                + META.formatted("network-policy")
                + """
            spec:
              podSelector:
                matchLabels: {berth.instance: inst-1, berth.session: s-abc, berth.type: session}
              policyTypes: [Ingress]
              ingress:
              - from:
                - podSelector:
                    matchLabels: {app.kubernetes.io/name: berth}
            """,
            NetworkPolicy.class);
    Template t = web();
    assertThat(KubeManifests.networkPolicy(session(t), names(t), OPTIONS, NOW)).isEqualTo(expected);
  }

  @Test
  void aTemplateWithoutAppOrImageKeepsAShellAliveAndGetsDefaultRequests() {
    Template t = Template.builtinDefault();
    var s = RuntimeSession.fresh(SessionId.of("s-abc"), t, Map.of());
    var n = KubeNames.generate("sessions", "berth", t.name(), s.handle());
    Pod pod = KubeManifests.sessionPod(s, n, OPTIONS, "busybox:1.36", NOW);
    var c = pod.getSpec().getContainers().get(0);
    assertThat(c.getArgs()).containsExactly("sleep", "infinity");
    assertThat(c.getResources().getLimits()).isEmpty();
    assertThat(c.getResources().getRequests())
        .containsOnlyKeys("cpu", "memory")
        .satisfies(r -> assertThat(r.get("cpu").toString()).isEqualTo("100m"));
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    assertThat(pod.getMetadata().getAnnotations()).doesNotContainKey("berth.labels");
  }

  /**
   * A template's auto containers join the session pod after the main one, named by type: own image
   * or the main one's, own command, env with Berth's three variables, ports, limits (else the
   * default requests), the main container's hardening with the container's own user where it names
   * one, the claim at the workspace path (read-only, sub-path); every type maps to 127.0.0.1.
   */
  @Test
  void aTemplatesAutoContainersAreContainersOfTheSessionPod() {
    Template t =
        web().toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(
                        new SessionContainer(
                            "plugin",
                            Optional.of("registry.example/plugin:2"),
                            Optional.empty(),
                            List.of("/bin/plugin", "--serve"),
                            Map.of("MODE", "fast"),
                            List.of(8081),
                            Optional.empty(),
                            new ResourceLimits(0.5, 0, 0),
                            Optional.of("3003:3003"),
                            ContainerStart.AUTO,
                            List.of(),
                            "plugins/in",
                            false),
                        SessionContainer.of("reader", List.of("sleep", "600"))
                            .mounting("", true)
                            .after(List.of("plugin")))))
            .build();
    Pod expected =
        Serialization.unmarshal(
            """
            apiVersion: v1
            kind: Pod
            spec:
              hostAliases:
              - ip: 127.0.0.1
                hostnames: [session, plugin, reader]
              containers:
              - name: plugin
                image: registry.example/plugin:2
                imagePullPolicy: IfNotPresent
                command: [/bin/plugin, --serve]
                workingDir: /workspace
                env:
                - {name: BERTH_CONTAINER, value: plugin}
                - {name: BERTH_SESSION_ID, value: s-abc}
                - {name: BERTH_WORKSPACE, value: /workspace}
                - {name: MODE, value: fast}
                ports:
                - {name: p8081, containerPort: 8081, protocol: TCP}
                resources:
                  limits: {cpu: 500m}
                  requests: {cpu: 500m, memory: 64Mi}
                volumeMounts:
                - {name: workspace, mountPath: /workspace, subPath: plugins/in}
                securityContext:
                  runAsNonRoot: true
                  runAsUser: 3003
                  runAsGroup: 3003
                  privileged: false
                  allowPrivilegeEscalation: false
                  capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                  seccompProfile: {type: RuntimeDefault}
              - name: reader
                image: registry.example/web:1
                imagePullPolicy: IfNotPresent
                command: [sleep, "600"]
                workingDir: /workspace
                env:
                - {name: BERTH_CONTAINER, value: reader}
                - {name: BERTH_SESSION_ID, value: s-abc}
                - {name: BERTH_WORKSPACE, value: /workspace}
                resources:
                  requests: {cpu: 100m, memory: 64Mi}
                volumeMounts:
                - {name: workspace, mountPath: /workspace, readOnly: true}
                securityContext:
                  runAsNonRoot: true
                  privileged: false
                  allowPrivilegeEscalation: false
                  capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                  seccompProfile: {type: RuntimeDefault}
            """,
            Pod.class);
    Pod pod =
        KubeManifests.sessionPod(session(t), names(t), OPTIONS, "registry.example/web:1", NOW);
    var containers = pod.getSpec().getContainers();
    assertThat(containers)
        .extracting(c -> c.getName())
        .containsExactly("session", "plugin", "reader");
    assertThat(containers.get(0))
        .as("the main container as without containers:")
        .isEqualTo(
            KubeManifests.sessionPod(
                    session(web()), names(web()), OPTIONS, "registry.example/web:1", NOW)
                .getSpec()
                .getContainers()
                .get(0));
    assertThat(containers.subList(1, 3)).isEqualTo(expected.getSpec().getContainers());
    assertThat(pod.getSpec().getHostAliases()).isEqualTo(expected.getSpec().getHostAliases());
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser())
        .as("the pod's user stays the main one's")
        .isEqualTo(1001L);
    assertThat(
            KubeManifests.sessionPod(session(web()), names(web()), OPTIONS, "x", NOW)
                .getSpec()
                .getHostAliases())
        .as("a template without containers: gets no host aliases")
        .isNullOrEmpty();
  }

  /** Kubernetes cannot add a container to a running pod, nor run an extra one as root. */
  @Test
  void manualAndRootContainersAreRefusedAtPreflight() {
    Template t =
        web().toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("later", List.of("sleep", "600"))
                            .starting(ContainerStart.MANUAL),
                        new SessionContainer(
                            "rooted",
                            Optional.empty(),
                            Optional.empty(),
                            List.of(),
                            Map.of(),
                            List.of(),
                            Optional.empty(),
                            ResourceLimits.NONE,
                            Optional.of("0"),
                            ContainerStart.AUTO,
                            List.of(),
                            "",
                            false))))
            .build();
    assertThat(KubePreflight.problems(t, OPTIONS))
        .extracting(p -> p.message())
        .anySatisfy(
            p -> assertThat(p).contains("container 'later'", "start: manual", "docker backend"))
        .anySatisfy(p -> assertThat(p).contains("container 'rooted'", "runs as root"));
    assertThat(KubePreflight.problems(web(), OPTIONS)).isEmpty();
  }

  @Test
  void userAndCapabilitiesThatKubernetesCannotHonourAreRefused() {
    for (String user : List.of("jovyan", "0", "0:0", "root")) {
      Template t = withUser(user);
      assertThatThrownBy(() -> KubeManifests.runAs(t, OPTIONS))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining("uid");
    }
    Template all = withCapabilities(List.of("ALL"));
    assertThatThrownBy(() -> KubeManifests.capabilities(all))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("'ALL'");
  }

  private static Template withUser(String user) {
    return web().toBuilder().user(user).build();
  }

  private static Template withCapabilities(List<String> caps) {
    return web().toBuilder().capabilities(caps).build();
  }

  /**
   * A template volume: the ConfigMap is a pod volume whose items rebuild the folder with each
   * file's mode, mounted read-only at its path in the main and the extra container, both with
   * {@code BERTH_TEMPLATE_FILES}.
   */
  @Test
  void theTemplateFilesAreAConfigMapVolumeMountedReadOnlyInEveryContainer() {
    Template t =
        web().toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(SessionContainer.of("plugin", List.of("sleep", "600")))))
            .build();
    var files =
        new KubeTemplateVolumes.Mounted(
            "berth-tv-web-0123456789ab",
            "/template",
            List.of(
                new KubeTemplateVolumes.Item("f0", "lib/tool.sh", 0555),
                new KubeTemplateVolumes.Item("f1", "model.txt", 0444)));
    Pod pod =
        KubeManifests.sessionPod(
            session(t), names(t), OPTIONS, "registry.example/web:1", NOW, Optional.of(files));
    var volume =
        (io.fabric8.kubernetes.api.model.Volume)
            Serialization.unmarshal(
                """
                name: template-files
                configMap:
                  name: berth-tv-web-0123456789ab
                  optional: false
                  items:
                  - key: f0
                    path: lib/tool.sh
                    mode: 365
                  - key: f1
                    path: model.txt
                    mode: 292
                """,
                io.fabric8.kubernetes.api.model.Volume.class);
    assertThat(pod.getSpec().getVolumes()).hasSize(2).endsWith(volume);
    assertThat(pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim())
        .as("the workspace claim stays the first volume")
        .isNotNull();
    assertThat(pod.getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("session", "plugin");
    for (var c : pod.getSpec().getContainers()) {
      assertThat(c.getVolumeMounts())
          .as(c.getName())
          .contains(
              new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                  .withName("template-files")
                  .withMountPath("/template")
                  .withReadOnly(true)
                  .build());
      assertThat(c.getEnv())
          .as(c.getName())
          .contains(
              new io.fabric8.kubernetes.api.model.EnvVar(
                  "BERTH_TEMPLATE_FILES", "/template", null));
    }
    assertThat(
            KubeManifests.sessionPod(session(t), names(t), OPTIONS, "x", NOW)
                .getSpec()
                .getVolumes())
        .as("no template volume, no ConfigMap volume")
        .hasSize(1);
  }

  /** The ConfigMap of a folder: immutable, binaryData under f0.., items in an annotation. */
  @Test
  void theTemplateVolumeConfigMapHoldsTheFilesAndTheirModes(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var folder = java.nio.file.Files.createDirectories(dir.resolve("files/lib"));
    java.nio.file.Files.writeString(dir.resolve("files/model.txt"), "weights\n");
    java.nio.file.Files.writeString(folder.resolve("tool.sh"), "#!/bin/sh\n")
        .toFile()
        .setExecutable(true);
    Template t = Template.builder("web").templateVolume("/template", dir.resolve("files")).build();
    String hash = dev.berth.template.TemplateVolumeContent.hash(dir.resolve("files"));
    var store = new KubeTemplateVolumes(null, OPTIONS);
    var cm =
        store.configMap(
            t, t.workspace().templateVolume().orElseThrow(), hash, "berth-tv-web-x", NOW);
    assertThat(cm.getImmutable()).isTrue();
    assertThat(cm.getMetadata().getLabels())
        .containsEntry("berth.instance", "inst-1")
        .containsEntry("berth.type", "template-volume")
        .containsEntry("berth.template", "web")
        .containsEntry("berth.content", hash.substring(0, 12))
        .doesNotContainKey("berth.session");
    assertThat(cm.getMetadata().getAnnotations()).containsEntry("berth.content", hash);
    assertThat(cm.getBinaryData())
        .containsExactly(
            Map.entry("f0", java.util.Base64.getEncoder().encodeToString("#!/bin/sh\n".getBytes())),
            Map.entry("f1", java.util.Base64.getEncoder().encodeToString("weights\n".getBytes())));
    assertThat(KubeTemplateVolumes.items(cm))
        .containsExactly(
            new KubeTemplateVolumes.Item("f0", "lib/tool.sh", 0555),
            new KubeTemplateVolumes.Item("f1", "model.txt", 0444));
    assertThat(KubeTemplateVolumes.name("berth", "web", hash))
        .isEqualTo("berth-tv-web-" + hash.substring(0, 12))
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }
}
