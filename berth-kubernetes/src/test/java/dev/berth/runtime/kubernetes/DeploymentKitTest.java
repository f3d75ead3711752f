package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.config.ConfigLoader;
import dev.berth.runtime.provider.BackendProviders;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifests in deploy/kubernetes fit together and with what Berth expects of them. */
class DeploymentKitTest {
  @TempDir Path home;

  private static <T extends HasMetadata> T one(List<HasMetadata> kit, Class<T> type) {
    List<T> found = kit.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("exactly one %s in the kit", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  @Test
  void theManifestsFitTogether() throws Exception {
    List<HasMetadata> kit = RbacCoverageTest.kit();
    assertThat(kit).allSatisfy(o -> assertThat(o.getMetadata().getName()).isNotBlank());
    assertThat(kit)
        .filteredOn(o -> !o.getKind().equals("Namespace"))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("berth"));

    var account = one(kit, ServiceAccount.class);
    var role = one(kit, Role.class);
    var binding = one(kit, RoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(account.getMetadata().getName()));

    var deployment = one(kit, Deployment.class);
    var pod = deployment.getSpec().getTemplate();
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo(account.getMetadata().getName());
    // the sessions' NetworkPolicies admit exactly the pods with these labels
    assertThat(pod.getMetadata().getLabels())
        .containsAllEntriesOf(KubernetesOptions.DEFAULT_MANAGER_LABELS);
    assertThat(deployment.getSpec().getReplicas())
        .as("one writer on the SQLite registry")
        .isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    var c = pod.getSpec().getContainers().get(0);
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void theConfigMapIsAValidBerthConfiguration() throws Exception {
    ConfigMap config = one(RbacCoverageTest.kit(), ConfigMap.class);
    Files.writeString(home.resolve("berth.yaml"), config.getData().get("berth.yaml"));
    var loaded = ConfigLoader.load(home, Map.of(), Map.of(), BackendProviders.installed().all());
    assertThat(loaded.backend()).isEqualTo("kubernetes");
    assertThat(loaded.host()).isEqualTo("0.0.0.0");
    assertThat(KubernetesSettings.of(loaded.backendSettings("kubernetes")).namespace())
        .isEqualTo("berth");
  }
}
