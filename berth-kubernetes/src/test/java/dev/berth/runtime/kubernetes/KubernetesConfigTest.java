package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubernetes* keys, read by the configuration loader and parsed by this module. */
class KubernetesConfigTest {
  @TempDir Path home;

  private BerthConfig load(Map<String, String> env) {
    return ConfigLoader.load(home, env, Map.of(), List.of(new KubernetesBackendProvider()));
  }

  private static KubernetesSettings kubernetes(BerthConfig config) {
    return KubernetesSettings.of(config.backendSettings("kubernetes"));
  }

  @Test
  void defaultsAndValuesFromTheFileAndTheEnvironment() throws Exception {
    assertThat(kubernetes(load(Map.of())))
        .isEqualTo(
            new KubernetesSettings(
                "berth", "", "", "busybox:1.36", "", "1Gi", true, "auto", "gvisor"));
    Files.writeString(
        home.resolve("berth.yaml"),
        "backend: kubernetes\nkubernetesNamespace: sessions\nkubernetesStorageClass: fast\n"
            + "kubernetesWorkspaceSize: 10Gi\nkubernetesNetworkPolicy: false\n"
            + "kubernetesEndpoints: port-forward\n");
    var c = load(Map.of("BERTH_KUBERNETES_CONTEXT", "prod", "BERTH_KUBECONFIG", "/k/config"));
    assertThat(c.backend()).isEqualTo("kubernetes");
    assertThat(kubernetes(c))
        .isEqualTo(
            new KubernetesSettings(
                "sessions",
                "/k/config",
                "prod",
                "busybox:1.36",
                "fast",
                "10Gi",
                false,
                "port-forward",
                "gvisor"));
    assertThat(kubernetes(load(Map.of("BERTH_KUBERNETES_ENDPOINTS", "service"))).endpoints())
        .isEqualTo("service");
  }

  @Test
  void badValuesNameTheirKey() throws Exception {
    Files.writeString(
        home.resolve("berth.yaml"),
        "kubernetesNamespace: Not_A_Label\nkubernetesWorkspaceSize: lots\nkubernetesNetworkPolicy: maybe\n"
            + "kubernetesEndpoints: nodeport\n");
    assertThatThrownBy(() -> load(Map.of()))
        .hasMessageContaining("kubernetesNamespace='Not_A_Label': must be a DNS label")
        .hasMessageContaining("kubernetesWorkspaceSize='lots'")
        .hasMessageContaining("kubernetesNetworkPolicy='maybe': must be true or false")
        .hasMessageContaining(
            "kubernetesEndpoints='nodeport': must be one of [service, port-forward, auto]");
  }
}
