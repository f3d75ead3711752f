package dev.berth.runtime.kubernetes;

import dev.berth.config.BackendSettings;
import dev.berth.config.BackendSpec;
import dev.berth.config.BerthConfig;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.provider.Availability;
import dev.berth.runtime.provider.BackendContext;
import dev.berth.runtime.provider.BackendProvider;
import dev.berth.runtime.provider.BackendSettingNames;
import dev.berth.runtime.provider.BackendUnavailableException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Kubernetes backend: a pod, a Service and a workspace PVC per session. Used only when
 * configured ({@code backend: kubernetes}, or named backends of this kind), never by {@code auto}:
 * a cluster that happens to answer is not a reason to put sessions in it.
 */
public final class KubernetesBackendProvider implements BackendProvider {
  private static final Set<String> NAMED_SETTINGS =
      Set.of(
          "namespace",
          "kubeconfig",
          "context",
          "image",
          "storageClass",
          "workspaceSize",
          "networkPolicy",
          "endpoints",
          "gvisorRuntimeClass");

  @Override
  public String kind() {
    return "kubernetes";
  }

  @Override
  public Map<String, String> keys() {
    return KubernetesSettings.KEYS;
  }

  @Override
  public boolean namedBackends() {
    return true;
  }

  @Override
  public void check(BackendSettings settings, List<String> errors) {
    KubernetesSettings.read(settings, errors);
  }

  /** Never chosen by {@code auto}. */
  @Override
  public int priority() {
    return -1;
  }

  @Override
  public boolean alwaysPresent() {
    return false;
  }

  @Override
  public Availability availability(BackendSettings settings, Map<String, String> env) {
    return new Availability(
        false,
        "used when configured (backend: kubernetes, or a named backend of kind kubernetes); the"
            + " server checks its cluster");
  }

  @Override
  public SessionRuntime open(BackendContext context) {
    KubernetesSettings k = KubernetesSettings.of(context.config().backendSettings(kind()));
    KubernetesRuntime runtime = connect(k, context);
    String why = runtime.ping();
    if (why != null) {
      runtime.close();
      throw new BackendUnavailableException(
          "the API server does not let Berth list pods in namespace " + k.namespace() + ": " + why,
          "check kubeconfig/kubernetesContext, the namespace and Berth's Role");
    }
    return runtime;
  }

  @Override
  public Map<String, SessionRuntime> openNamed(List<BackendSpec> specs, BackendContext context) {
    Map<String, SessionRuntime> runtimes = new LinkedHashMap<>();
    try {
      for (BackendSpec spec : specs) {
        runtimes.put(spec.name(), openNamed(spec, context));
      }
    } catch (RuntimeException e) {
      runtimes.values().forEach(SessionRuntime::close);
      throw e;
    }
    return runtimes;
  }

  /** A named Kubernetes backend: its settings over the kubernetes* keys' values. */
  private KubernetesRuntime openNamed(BackendSpec spec, BackendContext context) {
    BackendSettingNames.check(spec, NAMED_SETTINGS);
    KubernetesSettings base = KubernetesSettings.of(context.config().backendSettings(kind()));
    String policy = spec.setting("networkPolicy").orElse(base.networkPolicy() + "");
    if (!policy.equals("true") && !policy.equals("false")) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': networkPolicy must be true or false");
    }
    String endpoints = spec.setting("endpoints").orElse(base.endpoints());
    if (EndpointMode.parse(endpoints).isEmpty()) {
      throw new IllegalStateException(
          "backend '"
              + spec.name()
              + "': endpoints must be one of "
              + EndpointMode.allowed()
              + ", got '"
              + endpoints
              + "'");
    }
    var k =
        new KubernetesSettings(
            spec.setting("namespace").orElse(base.namespace()),
            spec.setting("kubeconfig").orElse(base.kubeconfig()),
            spec.setting("context").orElse(base.context()),
            spec.setting("image").orElse(base.image()),
            spec.setting("storageClass").orElse(base.storageClass()),
            spec.setting("workspaceSize").orElse(base.workspaceSize()),
            policy.equals("true"),
            endpoints,
            spec.setting("gvisorRuntimeClass").orElse(base.gvisorRuntimeClass()));
    KubernetesRuntime runtime = connect(k, context);
    String why = runtime.ping();
    if (why != null) {
      // Start anyway, as for Docker: one cluster down must not stop the other backends.
      context
          .out()
          .println(
              "  backend "
                  + spec.name()
                  + ": the API server does not answer in namespace "
                  + k.namespace()
                  + " ("
                  + why
                  + "); retrying later");
    }
    return runtime;
  }

  /** The Kubernetes runtime these settings describe (it connects lazily; see ping). */
  private static KubernetesRuntime connect(KubernetesSettings k, BackendContext context) {
    BerthConfig config = context.config();
    var options =
        KubernetesOptions.defaults(k.namespace(), config.prefix(), context.instance())
            .withDefaultImage(k.image())
            .withStorage(Optional.of(k.storageClass()), k.workspaceSize())
            .withNetworkPolicy(k.networkPolicy())
            .withGvisorRuntimeClass(k.gvisorRuntimeClass())
            .withSpoolDir(context.tmpDir())
            .withEndpoints(
                EndpointMode.parse(k.endpoints())
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "kubernetesEndpoints must be one of "
                                    + EndpointMode.allowed()
                                    + ", got '"
                                    + k.endpoints()
                                    + "'")));
    return KubeConnection.connect(
        Optional.of(k.kubeconfig()).filter(s -> !s.isBlank()).map(Path::of),
        Optional.of(k.context()).filter(s -> !s.isBlank()),
        options);
  }
}
