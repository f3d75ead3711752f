package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.pty4j.PtyProcessBuilder;
import dev.berth.runtime.Ability;
import dev.berth.runtime.ServiceProcessesContract;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.Template;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The started-process contract (and the service over it) on the local backend: pipes under setsid,
 * terminals by pty4j.
 */
class LocalProcessesContractTest extends ServiceProcessesContract {
  @TempDir Path tmp;
  private LocalRuntime runtime;

  @BeforeEach
  void setUp() {
    runtime = new LocalRuntime(tmp.resolve("sessions"), "procs-" + ProcessHandle.current().pid());
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  /** An app that keeps running, so "the session runs" means a live process here too. */
  @Override
  protected Template template(String name) {
    return TestTemplates.with(
        name,
        Optional.empty(),
        List.of("sleep", "600"),
        List.of(),
        Optional.empty(),
        Optional.empty());
  }

  @Test
  void theLocalBackendSaysItStartsProcessesInTerminals() {
    assertThat(runtime.abilities()).contains(Ability.PROCESSES, Ability.TTY);
  }

  /** pty4j's native helper (bundled in its jar) loads on this machine, with this JDK. */
  @Test
  void theTerminalLibraryLoadsHere() throws Exception {
    var process =
        new PtyProcessBuilder(new String[] {"/bin/sh", "-c", "tty; exit 5"})
            .setEnvironment(new HashMap<>(System.getenv()))
            .setRedirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isEqualTo(5);
    assertThat(out).startsWith("/dev/pts/");
  }
}
