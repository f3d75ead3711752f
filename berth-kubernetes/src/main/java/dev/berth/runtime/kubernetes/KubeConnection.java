package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** How Berth reaches an API server: the one place that reads a kubeconfig. */
final class KubeConnection {
  private KubeConnection() {}

  /**
   * Connects with a kubeconfig file and context when given, else as fabric8 finds its way: the
   * pod's service account inside a cluster, {@code KUBECONFIG} or {@code ~/.kube/config} outside.
   */
  static KubernetesRuntime connect(
      Optional<Path> kubeconfig, Optional<String> context, KubernetesOptions options) {
    Config config;
    try {
      if (kubeconfig.isPresent()) {
        config =
            Config.fromKubeconfig(
                context.orElse(null),
                Files.readString(kubeconfig.get()),
                kubeconfig.get().toString());
      } else {
        config = context.map(Config::autoConfigure).orElseGet(() -> Config.autoConfigure(null));
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw new BerthException(
          ErrorCode.BAD_REQUEST,
          "cannot read the Kubernetes configuration"
              + kubeconfig.map(p -> " " + p).orElse("")
              + ": "
              + e.getMessage(),
          e);
    }
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    return new KubernetesRuntime(client, true, options);
  }
}
