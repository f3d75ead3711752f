package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeSession;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every lifecycle, hardening, port and isolation test again, with each session in gVisor ({@code
 * sandbox: gvisor}, the engine's {@code runsc} runtime); and that it really is gVisor inside.
 */
@ExtendWith(GvisorRequired.class)
class DockerGvisorLifecycleTest extends DockerLifecycleTest {

  @Override
  Template forThisClass(Template t) {
    return t.toBuilder().sandbox(Sandbox.GVISOR).build();
  }

  @Override
  String expectedEngineRuntime() {
    return SandboxRuntimes.DEFAULT_GVISOR;
  }

  /**
   * gVisor's /proc/self/status has no NoNewPrivs line at all (its kernel writes CapEff, not that);
   * the engine is still told ({@code SecurityOpts}, checked above).
   */
  @Override
  boolean procShowsNoNewPrivs() {
    return false;
  }

  /** gVisor's host tasks count against the cgroup: see {@link GvisorLimits}. */
  @Override
  long expectedEnginePidsLimit(int templatePids) {
    return GvisorLimits.BASE + (long) GvisorLimits.PER_PROCESS * templatePids;
  }

  @Test
  void theSessionRunsOnGvisorsKernelNotTheHosts() {
    RuntimeSession s = started(Templates.plain("boxed"));
    assertThat(container(s).getHostConfig().getRuntime()).isEqualTo("runsc");
    // gVisor's kernel writes its own boot log and reports its own (fixed) kernel version; the
    // host's /proc/version names the host's kernel build.
    assertThat(out(sh(s, "dmesg"))).contains("Starting gVisor");
    String version = out(sh(s, "cat /proc/version"));
    assertThat(version).isNotEqualTo(hostProcVersion());
  }

  private static String hostProcVersion() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/version"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
