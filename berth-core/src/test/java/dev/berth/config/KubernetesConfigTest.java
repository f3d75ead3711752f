package dev.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesConfigTest {
  @TempDir Path home;

  @Test
  void defaultsAndValuesFromTheFileAndTheEnvironment() throws Exception {
    assertThat(ConfigLoader.load(home, Map.of(), Map.of()).kubernetes())
        .isEqualTo(
            new KubernetesSettings("berth", "", "", "busybox:1.36", "", "1Gi", true, "auto"));
    Files.writeString(
        home.resolve("berth.yaml"),
        "backend: kubernetes\nkubernetesNamespace: sessions\nkubernetesStorageClass: fast\n"
            + "kubernetesWorkspaceSize: 10Gi\nkubernetesNetworkPolicy: false\n"
            + "kubernetesEndpoints: port-forward\n");
    var c =
        ConfigLoader.load(
            home,
            Map.of("BERTH_KUBERNETES_CONTEXT", "prod", "BERTH_KUBECONFIG", "/k/config"),
            Map.of());
    assertThat(c.backend()).isEqualTo("kubernetes");
    assertThat(c.kubernetes())
        .isEqualTo(
            new KubernetesSettings(
                "sessions",
                "/k/config",
                "prod",
                "busybox:1.36",
                "fast",
                "10Gi",
                false,
                "port-forward"));
    assertThat(
            ConfigLoader.load(home, Map.of("BERTH_KUBERNETES_ENDPOINTS", "service"), Map.of())
                .kubernetes()
                .endpoints())
        .isEqualTo("service");
  }

  @Test
  void badValuesNameTheirKey() throws Exception {
    Files.writeString(
        home.resolve("berth.yaml"),
        "kubernetesNamespace: Not_A_Label\nkubernetesWorkspaceSize: lots\nkubernetesNetworkPolicy: maybe\n"
            + "kubernetesEndpoints: nodeport\n");
    assertThatThrownBy(() -> ConfigLoader.load(home, Map.of(), Map.of()))
        .hasMessageContaining("kubernetesNamespace='Not_A_Label': must be a DNS label")
        .hasMessageContaining("kubernetesWorkspaceSize='lots'")
        .hasMessageContaining("kubernetesNetworkPolicy='maybe': must be true or false")
        .hasMessageContaining(
            "kubernetesEndpoints='nodeport': must be one of [service, port-forward, auto]");
  }
}
