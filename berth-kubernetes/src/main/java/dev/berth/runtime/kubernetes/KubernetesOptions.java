package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.runtime.SpoolDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How a {@link KubernetesRuntime} makes sessions: validated once, immutable.
 *
 * @param namespace the namespace every session resource lives in
 * @param prefix first part of every name, {@code [a-z][a-z0-9]{0,11}} (as for Docker)
 * @param instance this Berth installation's id, the {@code berth.instance} label
 * @param defaultImage the image for templates without one (the cluster pulls it)
 * @param storageClass the workspace PVC's storage class; empty for the cluster's default
 * @param workspaceSize the workspace PVC's requested size, a Kubernetes quantity ({@code 1Gi})
 * @param runAsUser uid for templates that name no numeric user (never 0)
 * @param networkPolicy whether each session gets a NetworkPolicy that admits only Berth
 * @param managerLabels labels of Berth's own pods, the only ones a session's policy admits
 * @param startTimeout how long a start waits for the pod to run (pulling an image takes time)
 * @param cpuRequest cpu request for templates without a cpu limit, a quantity ({@code 100m})
 * @param memoryRequest memory request for templates without a memory limit ({@code 64Mi})
 * @param endpoints how app ports are reached: the Service's DNS name or a port-forward ({@link
 *     EndpointMode}; {@code AUTO} is resolved when the runtime is made)
 * @param gvisorRuntimeClass the RuntimeClass the pods of {@code sandbox: gvisor} templates name
 *     ({@code runtimeClassName}); the cluster maps it to its gVisor handler
 * @param spoolDir where writes are held on the manager's side until they are known to fit, and
 *     callers' archives while they are checked: the data directory's {@code tmp} in a server
 *     ({@link dev.berth.runtime.SpoolDir}); the JVM's temporary directory by default
 */
public record KubernetesOptions(
    String namespace,
    String prefix,
    String instance,
    String defaultImage,
    Optional<String> storageClass,
    String workspaceSize,
    long runAsUser,
    boolean networkPolicy,
    Map<String, String> managerLabels,
    Duration startTimeout,
    String cpuRequest,
    String memoryRequest,
    EndpointMode endpoints,
    String gvisorRuntimeClass,
    Path spoolDir) {

  static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,11}");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern RUNTIME_CLASS =
      Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

  /** The RuntimeClass of gVisor pods unless configured otherwise (what GKE and most guides use). */
  public static final String DEFAULT_GVISOR_RUNTIME_CLASS = "gvisor";

  private static final Pattern QUANTITY = dev.berth.template.WorkspaceVolume.QUANTITY;

  /** The labels the deployment kit gives Berth's own pods ({@code deploy/kubernetes}). */
  public static final Map<String, String> DEFAULT_MANAGER_LABELS =
      Map.of("app.kubernetes.io/name", "berth");

  public KubernetesOptions {
    if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
      throw BerthException.badRequest(
          "invalid Kubernetes namespace '" + namespace + "': must be a DNS label");
    }
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw BerthException.badRequest(
          "invalid name prefix '" + prefix + "': must match " + PREFIX.pattern());
    }
    if (instance == null || instance.isBlank()) {
      throw BerthException.badRequest("a Berth instance id is required for Kubernetes labels");
    }
    if (defaultImage == null || defaultImage.isBlank()) {
      throw BerthException.badRequest("a default image is required for the Kubernetes backend");
    }
    storageClass = storageClass.filter(s -> !s.isBlank());
    for (var q :
        Map.of(
                "workspaceSize",
                workspaceSize,
                "cpuRequest",
                cpuRequest,
                "memoryRequest",
                memoryRequest)
            .entrySet()) {
      if (q.getValue() == null || !QUANTITY.matcher(q.getValue()).matches()) {
        throw BerthException.badRequest(
            "invalid Kubernetes quantity for "
                + q.getKey()
                + ": '"
                + q.getValue()
                + "' (examples: 10Gi, 512Mi, 250m)");
      }
    }
    if (runAsUser <= 0) {
      throw BerthException.badRequest("runAsUser must be a non-root uid (> 0), got " + runAsUser);
    }
    managerLabels = Map.copyOf(managerLabels);
    if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
      throw BerthException.badRequest("the Kubernetes start timeout must be positive");
    }
    if (endpoints == null) {
      throw BerthException.badRequest(
          "kubernetesEndpoints is required: one of " + EndpointMode.allowed());
    }
    if (gvisorRuntimeClass == null || !RUNTIME_CLASS.matcher(gvisorRuntimeClass).matches()) {
      throw BerthException.badRequest(
          "invalid RuntimeClass name for gVisor sessions '"
              + gvisorRuntimeClass
              + "' (kubernetesGvisorRuntimeClass): must be a DNS subdomain, e.g. gvisor");
    }
    if (spoolDir == null) {
      throw BerthException.badRequest("a spool directory is required for the Kubernetes backend");
    }
  }

  /** Defaults for everything but where and who. */
  public static KubernetesOptions defaults(String namespace, String prefix, String instance) {
    return new KubernetesOptions(
        namespace,
        prefix,
        instance,
        "busybox:1.36",
        Optional.empty(),
        "1Gi",
        1000,
        true,
        DEFAULT_MANAGER_LABELS,
        Duration.ofMinutes(5),
        "100m",
        "64Mi",
        EndpointMode.AUTO,
        DEFAULT_GVISOR_RUNTIME_CLASS,
        SpoolDir.systemTemp().dir());
  }

  public KubernetesOptions withDefaultImage(String image) {
    return with(c -> c.defaultImage = image);
  }

  public KubernetesOptions withStorage(Optional<String> storageClass, String workspaceSize) {
    return with(
        c -> {
          c.storageClass = storageClass;
          c.workspaceSize = workspaceSize;
        });
  }

  public KubernetesOptions withNetworkPolicy(boolean on) {
    return with(c -> c.networkPolicy = on);
  }

  public KubernetesOptions withStartTimeout(Duration timeout) {
    return with(c -> c.startTimeout = timeout);
  }

  public KubernetesOptions withEndpoints(EndpointMode mode) {
    return with(c -> c.endpoints = mode);
  }

  public KubernetesOptions withGvisorRuntimeClass(String runtimeClass) {
    return with(c -> c.gvisorRuntimeClass = runtimeClass);
  }

  public KubernetesOptions withSpoolDir(Path dir) {
    return with(c -> c.spoolDir = dir);
  }

  /** A copy with {@code change} applied, validated like any other. */
  private KubernetesOptions with(Consumer<Changes> change) {
    var c = new Changes(this);
    change.accept(c);
    return c.build();
  }

  /** The components as fields, for {@link #with}: one place that lists them all. */
  private static final class Changes {
    String namespace;
    String prefix;
    String instance;
    String defaultImage;
    Optional<String> storageClass;
    String workspaceSize;
    long runAsUser;
    boolean networkPolicy;
    Map<String, String> managerLabels;
    Duration startTimeout;
    String cpuRequest;
    String memoryRequest;
    EndpointMode endpoints;
    String gvisorRuntimeClass;
    Path spoolDir;

    Changes(KubernetesOptions o) {
      namespace = o.namespace;
      prefix = o.prefix;
      instance = o.instance;
      defaultImage = o.defaultImage;
      storageClass = o.storageClass;
      workspaceSize = o.workspaceSize;
      runAsUser = o.runAsUser;
      networkPolicy = o.networkPolicy;
      managerLabels = o.managerLabels;
      startTimeout = o.startTimeout;
      cpuRequest = o.cpuRequest;
      memoryRequest = o.memoryRequest;
      endpoints = o.endpoints;
      gvisorRuntimeClass = o.gvisorRuntimeClass;
      spoolDir = o.spoolDir;
    }

    KubernetesOptions build() {
      return new KubernetesOptions(
          namespace,
          prefix,
          instance,
          defaultImage,
          storageClass,
          workspaceSize,
          runAsUser,
          networkPolicy,
          managerLabels,
          startTimeout,
          cpuRequest,
          memoryRequest,
          endpoints,
          gvisorRuntimeClass,
          spoolDir);
    }
  }
}
