package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.SessionId;
import dev.berth.config.BackendSettings;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.Sandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of sandboxes on Docker: which runtime a container names, and the setting. */
class SandboxRuntimesTest {
  private static final SessionId ID = SessionId.of("abc-123");

  private static ContainerSpec spec(Sandbox sandbox, SandboxRuntimes runtimes) {
    var t = Templates.plain("t").toBuilder().sandbox(sandbox).build();
    return ContainerSpec.of(
            RuntimeSession.fresh(ID, t, Map.of()),
            DockerNames.generate("b", "t", ID.value()),
            "img",
            Map.of())
        .inSandbox(sandbox, runtimes.runtimeFor(t));
  }

  @Test
  void aGvisorSessionNamesItsRuntimeAndARuncOneLeavesTheEnginesDefault() {
    var runtimes = new SandboxRuntimes(null, "runsc");
    assertThat(spec(Sandbox.GVISOR, runtimes).hostConfig().getRuntime()).isEqualTo("runsc");
    assertThat(spec(Sandbox.RUNC, runtimes).hostConfig().getRuntime()).isNull();
    assertThat(spec(Sandbox.GVISOR, new SandboxRuntimes(null, "gvisor-kvm")).runtime())
        .contains("gvisor-kvm");
    assertThat(spec(Sandbox.GVISOR, runtimes).hostConfig().getCapDrop())
        .as("gVisor adds to the hardening, it replaces none of it")
        .isEqualTo(spec(Sandbox.RUNC, runtimes).hostConfig().getCapDrop());
  }

  @Test
  void aGvisorSessionsPidsLimitCountsTheSandboxsHostTasks() {
    var limits = new dev.berth.template.ResourceLimits(0.5, 64L << 20, 50);
    assertThat(GvisorLimits.onTheHost(limits))
        .isEqualTo(new dev.berth.template.ResourceLimits(0.5, 64L << 20, 64 + 8 * 50));
    assertThat(GvisorLimits.onTheHost(dev.berth.template.ResourceLimits.NONE))
        .as("no limit stays no limit")
        .isEqualTo(dev.berth.template.ResourceLimits.NONE);
  }

  @Test
  void theSettingDefaultsToRunscAndRefusesWhatIsNoRuntimeName() {
    assertThat(DockerSettings.KEYS).containsEntry("dockerGvisorRuntime", "runsc");
    assertThat(read(Map.of()).gvisorRuntime()).isEqualTo("runsc");
    assertThat(read(Map.of("dockerGvisorRuntime", "runsc-kvm")).gvisorRuntime())
        .isEqualTo("runsc-kvm");
    List<String> errors = new ArrayList<>();
    DockerSettings.read(settings(Map.of("dockerGvisorRuntime", "run sc;")), errors);
    assertThat(errors).singleElement().asString().contains("dockerGvisorRuntime");
    assertThatThrownBy(() -> new SandboxRuntimes(null, "")).hasMessageContaining("runtime name");
    assertThat(new SandboxRuntimes(null, "runsc").runtimeFor(Sandbox.RUNC))
        .isEqualTo(Optional.empty());
  }

  private static DockerSettings read(Map<String, String> values) {
    return DockerSettings.of(settings(values));
  }

  private static BackendSettings settings(Map<String, String> values) {
    Map<String, String> all = new java.util.LinkedHashMap<>(DockerSettings.KEYS);
    all.putAll(values);
    Map<String, String> sources = new java.util.LinkedHashMap<>();
    all.keySet().forEach(k -> sources.put(k, "test " + k));
    return new BackendSettings("docker", all, sources, DockerSettings.KEYS);
  }
}
