package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.ResourceLimits;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.HostAliasBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The manifests of one session, computed by pure functions of the session, its names, the options,
 * the image and the time (tested by equality, no API server needed); {@link KubernetesRuntime} only
 * sends them.
 *
 * <p>Hardening is not optional: the pod runs as a non-root uid (the template's numeric user, else
 * {@link KubernetesOptions#runAsUser}), never escalates privileges, drops every capability but the
 * template's, uses the runtime's default seccomp profile, gets no service-account token and no
 * service links. {@code shareProcessNamespace} makes the pause container PID 1, so the app is not
 * PID 1 and a SIGTERM at stop ends it (the Docker backend gets the same from {@code Init: true}).
 * {@code restartPolicy: Never}: Berth's reconciler decides about restarts, as on Docker.
 *
 * <p>A template's {@code start: auto} {@code containers:} are further containers of the session pod
 * ({@link #extraContainers}), named by their type; they share the pod's network namespace, so
 * {@code hostAliases} maps every type to 127.0.0.1 (their ports must not clash). Kubernetes starts
 * a pod's containers together and cannot add one to a running pod: {@code after} is not honoured
 * and {@code start: manual} is refused in {@link KubePreflight}, and so are {@code after}'s {@code
 * ready} and {@code done} (nothing could hold a container back until another is ready or done).
 */
final class KubeManifests {
  static final String CONTAINER = "session";
  static final String VOLUME = "workspace";

  /** The pod volume of the template's files ({@link KubeTemplateVolumes}). */
  static final String TEMPLATE_FILES = "template-files";

  static final List<String> KEEP_ALIVE = List.of("sleep", "infinity");

  private KubeManifests() {}

  /** The uid and gid a session's processes run as; a template user must be numeric here. */
  record RunAs(long uid, long gid) {}

  static RunAs runAs(Template t, KubernetesOptions o) {
    String user = t.container().user().filter(u -> !u.isBlank()).orElse(null);
    if (user == null) {
      return new RunAs(o.runAsUser(), o.runAsUser());
    }
    return runAs("template '" + t.name() + "'", user);
  }

  /** The uid of extra container {@code type}, which names its own {@code user}. */
  static RunAs runAs(String type, String template, String user) {
    return runAs("container '" + type + "' of template '" + template + "'", user);
  }

  private static RunAs runAs(String who, String user) {
    String[] parts = user.split(":", 2);
    try {
      long uid = Long.parseLong(parts[0]);
      long gid = parts.length > 1 ? Long.parseLong(parts[1]) : uid;
      if (uid <= 0) {
        throw BerthException.badRequest(
            who
                + " runs as root (user "
                + user
                + "); Kubernetes sessions"
                + " run as a non-root uid: set user to a uid > 0, e.g. 1000:1000");
      }
      return new RunAs(uid, gid);
    } catch (NumberFormatException e) {
      throw BerthException.badRequest(
          who
              + " names user '"
              + user
              + "'; Kubernetes can only check that"
              + " a numeric uid is not root: give it as uid[:gid], e.g. 1000:1000");
    }
  }

  private static ObjectMeta meta(
      RuntimeSession s, String name, KubernetesOptions o, String type, Instant now) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(o.namespace())
        .withLabels(KubeLabels.of(s, type, o.instance()))
        .withAnnotations(KubeLabels.annotations(s, now))
        .build();
  }

  static PersistentVolumeClaim pvc(
      RuntimeSession s, KubeNames n, KubernetesOptions o, Instant now) {
    // The template's own size and storage class win over the installation's defaults.
    var volume = s.template().workspace().volume();
    var spec =
        new PersistentVolumeClaimBuilder()
            .withMetadata(meta(s, n.pvc(), o, KubeLabels.TYPE_WORKSPACE, now))
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity(volume.size().orElse(o.workspaceSize()))))
            .endResources();
    volume.storageClass().or(o::storageClass).ifPresent(spec::withStorageClassName);
    return spec.endSpec().build();
  }

  static Map<String, String> env(RuntimeSession s) {
    Template t = s.template();
    Map<String, String> env = new TreeMap<>(t.container().env());
    env.put("BERTH_SESSION_ID", s.id().value());
    env.put("BERTH_WORKSPACE", t.workspace().path());
    t.primaryPort().ifPresent(p -> env.put("PORT", Integer.toString(p)));
    return env;
  }

  static Pod sessionPod(
      RuntimeSession s, KubeNames n, KubernetesOptions o, String image, Instant now) {
    return sessionPod(s, n, o, image, now, Optional.empty());
  }

  /**
   * The session pod; with {@code files}, the template volume's ConfigMap is a volume of the pod
   * whose {@code items} rebuild the folder (each file with its mode), mounted read-only at its path
   * into the main and every extra container, which get {@code BERTH_TEMPLATE_FILES} = that path.
   */
  static Pod sessionPod(
      RuntimeSession s,
      KubeNames n,
      KubernetesOptions o,
      String image,
      Instant now,
      Optional<KubeTemplateVolumes.Mounted> files) {
    Pod pod = sessionPodWithoutFiles(s, n, o, image, now);
    if (files.isEmpty()) {
      return pod;
    }
    KubeTemplateVolumes.Mounted f = files.get();
    var mount =
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
            .withName(TEMPLATE_FILES)
            .withMountPath(f.path())
            .withReadOnly(true)
            .build();
    EnvVar env = new EnvVar("BERTH_TEMPLATE_FILES", f.path(), null);
    List<Container> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      List<EnvVar> vars = new ArrayList<>(c.getEnv());
      vars.add(env);
      vars.sort(java.util.Comparator.comparing(EnvVar::getName));
      containers.add(new ContainerBuilder(c).addToVolumeMounts(mount).withEnv(vars).build());
    }
    Volume volume =
        new VolumeBuilder()
            .withName(TEMPLATE_FILES)
            .withNewConfigMap()
            .withName(f.configMap())
            .withOptional(false)
            .withItems(
                f.items().stream()
                    .map(
                        i ->
                            new io.fabric8.kubernetes.api.model.KeyToPathBuilder()
                                .withKey(i.key())
                                .withPath(i.path())
                                .withMode(i.mode())
                                .build())
                    .toList())
            .endConfigMap()
            .build();
    return new PodBuilder(pod)
        .editSpec()
        .withContainers(containers)
        .addToVolumes(volume)
        .endSpec()
        .build();
  }

  private static Pod sessionPodWithoutFiles(
      RuntimeSession s, KubeNames n, KubernetesOptions o, String image, Instant now) {
    Template t = s.template();
    List<String> args = t.app().command();
    if (args.isEmpty() && t.image().reference().isEmpty()) {
      args = KEEP_ALIVE; // Berth's default image has no app: stay alive for exec
    }
    var container =
        baseContainer(t, o, image)
            .withArgs(args)
            .withEnv(envVars(env(s)))
            .withResources(resources(t.container().resources(), o))
            .withPorts(
                t.app().ports().stream()
                    .map(
                        p ->
                            new ContainerPortBuilder()
                                .withName("p" + p)
                                .withContainerPort(p)
                                .withProtocol("TCP")
                                .build())
                    .toList())
            .build();
    Pod pod = pod(s, n, n.pod(), o, KubeLabels.TYPE_SESSION, container, t, now);
    List<Container> extras = extraContainers(s, o, image);
    if (extras.isEmpty()) {
      return pod;
    }
    return new PodBuilder(pod)
        .editSpec()
        .addAllToContainers(extras)
        .withHostAliases(hostAliases(t))
        .endSpec()
        .build();
  }

  /**
   * The template's {@code start: auto} containers as containers of the session pod, named by type:
   * their own image (else the main one's), command, env, ports and limits; the main container's
   * hardening, and the pod's user unless the container names its own; the session's claim at the
   * workspace path, read-only and at a sub-path as the template says.
   */
  static List<Container> extraContainers(RuntimeSession s, KubernetesOptions o, String mainImage) {
    Template t = s.template();
    List<Container> out = new ArrayList<>();
    for (SessionContainer c : t.containers().auto()) {
      Map<String, String> env = new TreeMap<>(c.env());
      env.put("BERTH_SESSION_ID", s.id().value());
      env.put("BERTH_WORKSPACE", t.workspace().path());
      env.put("BERTH_CONTAINER", c.type());
      var mount =
          new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
              .withName(VOLUME)
              .withMountPath(t.workspace().path())
              .withReadOnly(c.readOnly() ? true : null);
      if (!c.subPath().isBlank()) {
        mount.withSubPath(c.subPath());
      }
      var security = securityContext(t);
      c.user()
          .filter(u -> !u.isBlank())
          .ifPresent(
              u -> {
                RunAs own = runAs(c.type(), t.name(), u);
                security.withRunAsUser(own.uid()).withRunAsGroup(own.gid());
              });
      var b =
          new ContainerBuilder()
              .withName(c.type())
              .withImage(c.image().filter(i -> !i.isBlank()).orElse(mainImage))
              .withImagePullPolicy("IfNotPresent")
              .withWorkingDir(t.workspace().path())
              .withVolumeMounts(List.of(mount.build()))
              .withSecurityContext(security.build())
              .withEnv(envVars(env))
              .withResources(resources(c.resources(), o))
              .withPorts(ports(c.ports()));
      if (!c.command().isEmpty()) {
        b.withCommand(c.command());
      }
      out.add(b.build());
    }
    return out;
  }

  /**
   * Every container type of the session at 127.0.0.1: a pod's containers share its network
   * namespace, so the session's containers reach each other by type as they do on Docker.
   */
  static HostAlias hostAliases(Template t) {
    List<String> names = new ArrayList<>();
    names.add(SessionContainer.MAIN);
    names.addAll(t.containers().auto().stream().map(SessionContainer::type).toList());
    return new HostAliasBuilder().withIp("127.0.0.1").withHostnames(names).build();
  }

  private static List<io.fabric8.kubernetes.api.model.ContainerPort> ports(List<Integer> ports) {
    return ports.stream()
        .map(
            p ->
                new ContainerPortBuilder()
                    .withName("p" + p)
                    .withContainerPort(p)
                    .withProtocol("TCP")
                    .build())
        .toList();
  }

  /**
   * A pod that only keeps the workspace mounted, for file operations while the session is stopped
   * or only prepared; same image, user and hardening as the session, no app, no ports.
   */
  static Pod helperPod(
      RuntimeSession s, KubeNames n, KubernetesOptions o, String image, Instant now) {
    Template t = s.template();
    var container =
        baseContainer(t, o, image)
            .withCommand(KEEP_ALIVE)
            .withEnv(envVars(env(s)))
            .withResources(resources(ResourceLimits.NONE, o))
            .build();
    return pod(s, n, n.helperPod(), o, KubeLabels.TYPE_HELPER, container, t, now);
  }

  private static ContainerBuilder baseContainer(Template t, KubernetesOptions o, String image) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withWorkingDir(t.workspace().path())
        .withVolumeMounts(
            List.of(
                new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                    .withName(VOLUME)
                    .withMountPath(t.workspace().path())
                    .build()))
        .withSecurityContext(securityContext(t).build());
  }

  /** The hardening every container of a session's pods gets. */
  private static SecurityContextBuilder securityContext(Template t) {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withCapabilities(capabilities(t))
        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build());
  }

  private static Pod pod(
      RuntimeSession s,
      KubeNames n,
      String name,
      KubernetesOptions o,
      String type,
      Container container,
      Template t,
      Instant now) {
    RunAs runAs = runAs(t, o);
    Volume volume =
        new VolumeBuilder().withName(VOLUME).withNewPersistentVolumeClaim(n.pvc(), false).build();
    return new PodBuilder()
        .withMetadata(meta(s, name, o, type, now))
        .withNewSpec()
        .withHostname(s.id().value())
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withShareProcessNamespace(true)
        .withSecurityContext(
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(runAs.uid())
                .withRunAsGroup(runAs.gid())
                .withFsGroup(runAs.gid())
                .withFsGroupChangePolicy("OnRootMismatch")
                .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                .build())
        .withRuntimeClassName(runtimeClass(t, o).orElse(null))
        .withContainers(container)
        .withVolumes(volume)
        .endSpec()
        .build();
  }

  /**
   * The RuntimeClass the pod names: the configured gVisor class for {@code sandbox: gvisor}, none
   * (the cluster's default runtime) otherwise. The helper pod gets it too: it runs the session's
   * image on the session's workspace, so it gets the session's box.
   */
  static Optional<String> runtimeClass(Template t, KubernetesOptions o) {
    return switch (t.isolation().sandbox()) {
      case RUNC -> Optional.empty();
      case GVISOR -> Optional.of(o.gvisorRuntimeClass());
    };
  }

  static Capabilities capabilities(Template t) {
    List<String> add = new ArrayList<>();
    for (String c : t.container().capabilities()) {
      String bare = c.trim().toUpperCase(Locale.ROOT);
      if (bare.startsWith("CAP_")) {
        bare = bare.substring(4);
      }
      if (bare.isEmpty() || bare.equals("ALL") || !bare.matches("[A-Z_]+")) {
        throw BerthException.badRequest(
            "template capability '" + c + "' is not a Linux capability Berth can add");
      }
      add.add(bare);
    }
    var b = new CapabilitiesBuilder().withDrop("ALL");
    if (!add.isEmpty()) {
      b.withAdd(add);
    }
    return b.build();
  }

  /**
   * Limits from the template; requests equal to the limits where there are any (a session gets what
   * it may use, no memory overcommit that the node would settle by OOM-killing), else the options'
   * small defaults. Kubernetes has no per-pod process limit: {@code pids} is left to the node's
   * {@code podPidsLimit}.
   */
  static ResourceRequirements resources(ResourceLimits l, KubernetesOptions o) {
    Map<String, Quantity> limits = new TreeMap<>();
    if (l.cpus() > 0) {
      limits.put("cpu", new Quantity(Math.max(1, Math.round(l.cpus() * 1000)) + "m"));
    }
    if (l.memoryBytes() > 0) {
      limits.put("memory", new Quantity(Long.toString(l.memoryBytes())));
    }
    Map<String, Quantity> requests = new TreeMap<>(limits);
    requests.putIfAbsent("cpu", new Quantity(o.cpuRequest()));
    requests.putIfAbsent("memory", new Quantity(o.memoryRequest()));
    var b = new ResourceRequirementsBuilder().withRequests(requests);
    if (!limits.isEmpty()) {
      b.withLimits(limits);
    }
    return b.build();
  }

  private static List<EnvVar> envVars(Map<String, String> env) {
    return env.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
  }

  /** The Service for the app's ports, selecting the session pod only; none without ports. */
  static Service service(RuntimeSession s, KubeNames n, KubernetesOptions o, Instant now) {
    return new ServiceBuilder()
        .withMetadata(meta(s, n.service(), o, KubeLabels.TYPE_SERVICE, now))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(KubeLabels.podSelector(s, o.instance()))
        .withPorts(
            s.template().app().ports().stream()
                .map(
                    p ->
                        new ServicePortBuilder()
                            .withName("p" + p)
                            .withPort(p)
                            .withNewTargetPort(p)
                            .withProtocol("TCP")
                            .build())
                .toList())
        .endSpec()
        .build();
  }

  /**
   * Admits traffic to the session pod only from Berth's own pods (its proxy and probes), so
   * sessions cannot reach each other. Egress is the template's to restrict ({@code network:
   * {egress: ...}}, a policy of its own: {@link KubeEgress}); a neighbour is unreachable through
   * its own policy either way.
   */
  static NetworkPolicy networkPolicy(
      RuntimeSession s, KubeNames n, KubernetesOptions o, Instant now) {
    return new NetworkPolicyBuilder()
        .withMetadata(meta(s, n.networkPolicy(), o, KubeLabels.TYPE_NETWORK, now))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(KubeLabels.podSelector(s, o.instance()))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(new TreeMap<>(o.managerLabels()))
        .endPodSelector()
        .endFrom()
        .endIngress()
        .endSpec()
        .build();
  }
}
