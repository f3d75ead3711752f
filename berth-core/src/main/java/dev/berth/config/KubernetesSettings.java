package dev.berth.config;

/**
 * The Kubernetes backend's part of the configuration (used when {@code backend} is {@code
 * kubernetes}); keys in the README's configuration reference.
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
 */
public record KubernetesSettings(
    String namespace,
    String kubeconfig,
    String context,
    String image,
    String storageClass,
    String workspaceSize,
    boolean networkPolicy,
    String endpoints) {

  /** The values {@code kubernetesEndpoints} takes. */
  public static final java.util.List<String> ENDPOINTS =
      java.util.List.of("service", "port-forward", "auto");
}
