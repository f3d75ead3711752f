package dev.berth.runtime.kubernetes;

import dev.berth.config.BackendSettings;
import dev.berth.config.StrictObject;
import dev.berth.config.ValueParsers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes backend's top-level settings (the built-in {@code kubernetes} backend's, and the
 * defaults of named ones); keys in the README's configuration reference.
 *
 * @param namespace where sessions live ({@code kubernetesNamespace})
 * @param kubeconfig a kubeconfig file; empty: in-cluster service account, {@code KUBECONFIG} or
 *     {@code ~/.kube/config} ({@code kubeconfig})
 * @param context the kubeconfig context; empty: the current one ({@code kubernetesContext})
 * @param image the image for templates without one ({@code kubernetesImage})
 * @param storageClass the workspace PVCs' storage class; empty: the cluster's default ({@code
 *     kubernetesStorageClass})
 * @param workspaceSize the workspace PVCs' size, a Kubernetes quantity ({@code
 *     kubernetesWorkspaceSize})
 * @param networkPolicy whether each session gets a NetworkPolicy admitting only Berth ({@code
 *     kubernetesNetworkPolicy})
 * @param endpoints how app ports are reached: {@code service} (the Service's cluster DNS name),
 *     {@code port-forward} (127.0.0.1 through port-forwards), or {@code auto} (service when Berth
 *     runs in a pod, else port-forward) ({@code kubernetesEndpoints})
 * @param gvisorRuntimeClass the RuntimeClass pods of {@code sandbox: gvisor} templates name ({@code
 *     kubernetesGvisorRuntimeClass})
 */
public record KubernetesSettings(
    String namespace,
    String kubeconfig,
    String context,
    String image,
    String storageClass,
    String workspaceSize,
    boolean networkPolicy,
    String endpoints,
    String gvisorRuntimeClass) {

  /** The values {@code kubernetesEndpoints} takes. */
  public static final List<String> ENDPOINTS = List.of("service", "port-forward", "auto");

  /** The keys, with their defaults. */
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("kubernetesNamespace", "berth");
    KEYS.put("kubeconfig", "");
    KEYS.put("kubernetesContext", "");
    KEYS.put("kubernetesImage", "busybox:1.36");
    KEYS.put("kubernetesStorageClass", "");
    KEYS.put("kubernetesWorkspaceSize", "1Gi");
    KEYS.put("kubernetesNetworkPolicy", "true");
    KEYS.put("kubernetesEndpoints", "auto");
    KEYS.put("kubernetesGvisorRuntimeClass", KubernetesOptions.DEFAULT_GVISOR_RUNTIME_CLASS);
  }

  /** Reads the settings; each bad value adds an error that names its key and source. */
  static KubernetesSettings read(BackendSettings s, List<String> errors) {
    return new KubernetesSettings(
        s.parse("kubernetesNamespace", KubernetesSettings::dnsLabel, errors),
        s.raw("kubeconfig"),
        s.raw("kubernetesContext"),
        s.parse("kubernetesImage", ValueParsers::nonBlank, errors),
        s.raw("kubernetesStorageClass"),
        s.parse("kubernetesWorkspaceSize", KubernetesSettings::quantity, errors),
        s.parse("kubernetesNetworkPolicy", ValueParsers::bool, errors),
        s.parse(
            "kubernetesEndpoints",
            v -> ValueParsers.oneOf(v, ENDPOINTS.toArray(String[]::new)),
            errors),
        s.parse("kubernetesGvisorRuntimeClass", KubernetesSettings::runtimeClass, errors));
  }

  /** Reads settings the loader has checked already. */
  public static KubernetesSettings of(BackendSettings s) {
    List<String> errors = new ArrayList<>();
    KubernetesSettings settings = read(s, errors);
    StrictObject.throwIfErrors("invalid configuration", errors);
    return settings;
  }

  private static String dnsLabel(String v) {
    if (!v.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("must be a DNS label (a-z, 0-9, '-', at most 63)");
    }
    return v;
  }

  private static String runtimeClass(String v) {
    if (!v.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "must be a RuntimeClass name (a DNS subdomain), e.g. gvisor");
    }
    return v;
  }

  private static String quantity(String v) {
    if (!v.matches("[0-9]+(\\.[0-9]+)?(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")) {
      throw new IllegalArgumentException("must be a Kubernetes quantity such as 10Gi or 512Mi");
    }
    return v;
  }
}
