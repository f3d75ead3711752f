package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.ProcessStream;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.WorkspacePath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process start remembers the container it found running ({@link KnownContainers}) and skips the
 * inspect next time; these check that what it remembers is never trusted past a change: a container
 * stopped outside Berth gets the same CONFLICT as without the memory, and one removed and made
 * again under its name (a new id) is found again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DockerProcessStartTest extends DockerTestBase {

  @Test
  void aStartSeesTheContainerAsItIsNowAfterItStoppedOrWasMadeAgain() {
    RuntimeSession s = started(Templates.plain("plain"));
    assertThat(run(runtime.workspace(s), "echo one")).isEqualTo("one\n");
    String first = container(s).getId();

    engine.client.stopContainerCmd(first).withTimeout(1).exec();
    WorkspaceAccess stopped = runtime.workspace(s);
    assertThatThrownBy(() -> run(stopped, "echo never"))
        .isInstanceOfSatisfying(
            BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining("is not running");

    engine.client.startContainerCmd(first).exec();
    assertThat(run(runtime.workspace(s), "echo two")).isEqualTo("two\n");

    engine.client.removeContainerCmd(first).withForce(true).exec();
    RuntimeSession again = s.withState(runtime.prepare(s));
    again = again.withState(runtime.start(again).state());
    assertThat(container(again).getId()).as("a new container").isNotEqualTo(first);
    assertThat(run(runtime.workspace(again), "echo three")).isEqualTo("three\n");
  }

  @Test
  void aCwdThatIsNotADirectoryIsStillABadRequestOnceTheContainerIsKnown() {
    RuntimeSession s = started(Templates.plain("plain"));
    WorkspaceAccess w = runtime.workspace(s);
    assertThat(run(w, "echo x > file")).isEmpty();
    var spec =
        new ProcessSpec(
            List.of("true"),
            WorkspacePath.parse("file"),
            Map.of(),
            Optional.empty(),
            StdinMode.bytes(new byte[0]));
    assertThatThrownBy(() -> w.start(spec, (stream, data, offset, length) -> {}))
        .isInstanceOfSatisfying(
            BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("is not a directory");
  }

  /** Runs {@code line} with /bin/sh in the workspace's root; its stdout. */
  private static String run(WorkspaceAccess w, String line) {
    var out = new StringBuffer();
    var spec =
        new ProcessSpec(
            List.of("/bin/sh", "-c", line),
            WorkspacePath.ROOT,
            Map.of(),
            Optional.empty(),
            StdinMode.bytes(new byte[0]));
    try (StartedProcess p =
        w.start(
            spec,
            (stream, data, offset, length) -> {
              if (stream == ProcessStream.STDOUT) {
                out.append(new String(data, offset, length, StandardCharsets.UTF_8));
              }
            })) {
      assertThat(p.exit().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
    }
    return out.toString();
  }
}
