package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared runtime contract again, with every session in gVisor ({@code sandbox: gvisor}). */
@ExtendWith(GvisorRequired.class)
class DockerGvisorContractTest extends DockerRuntimeContractTest {

  @Override
  protected Template template(String name, List<String> command, Optional<Path> skeleton) {
    return super.template(name, command, skeleton).toBuilder().sandbox(Sandbox.GVISOR).build();
  }

  /**
   * A FIFO made inside gVisor lives in gVisor's kernel only: the host's view of the workspace,
   * which the files API reads, has nothing by that name, so reading it is a 404 at once (it can
   * never block), and inside the sandbox it is still a FIFO.
   */
  @Override
  @Test
  protected void aFifoIsRefusedBeforeItIsOpened() {
    RuntimeSession s = running();
    assertThat(sh(s, "mkfifo pipe && [ -p pipe ] && echo fifo").stdout())
        .asString()
        .isEqualTo("fifo\n");
    var files = runtime().workspace(s);
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () ->
            assertThatThrownBy(() -> files.readFile(WorkspacePath.parse("pipe"), 1 << 20))
                .isInstanceOf(BerthException.class)
                .satisfies(
                    e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.NOT_FOUND)));
    assertThat(files.stat(WorkspacePath.parse("pipe"))).as("the host does not see it").isEmpty();
    assertThat(out(sh(s, "[ -p pipe ] && echo still a fifo"))).isEqualTo("still a fifo\n");
  }

  @Test
  void theSuitesSessionsRunUnderRunsc() {
    RuntimeSession s = running();
    String id = s.state().get(DockerNames.KEY_CONTAINER);
    assertThat(engine.client.inspectContainerCmd(id).exec().getHostConfig().getRuntime())
        .isEqualTo("runsc");
    assertThat(out(sh(s, "dmesg"))).contains("gVisor");
  }
}
