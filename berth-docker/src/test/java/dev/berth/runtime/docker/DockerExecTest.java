package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the exec prelude promises: a timeout really kills, stdin arrives, the pid line is hidden.
 */
class DockerExecTest extends DockerTestBase {

  private static ExecResult run(RuntimeSession s, List<String> argv, byte[] stdin, Duration t) {
    return runtime
        .workspace(s)
        .exec(new ExecRequest(argv, WorkspacePath.ROOT, Map.of(), stdin, t, 1 << 16));
  }

  @Test
  void aTimedOutCommandAndItsChildrenAreKilled() {
    RuntimeSession s = started(Templates.plain("plain"));
    ExecResult slow =
        run(
            s,
            ExecRequest.shell("sleep 1234 & sleep 1235; echo never"),
            new byte[0],
            Duration.ofMillis(500));
    assertThat(slow.timedOut()).isTrue();
    assertThat(slow.exitCode()).isEqualTo(-1);
    assertThat(out(slow)).doesNotContain("never");
    String ps = out(sh(s, "ps -o args"));
    assertThat(ps).doesNotContain("sleep 1234").doesNotContain("sleep 1235");
  }

  @Test
  void stdinArrivesWholeAndLeavesNoFileBehind() {
    RuntimeSession s = started(Templates.plain("plain"));
    byte[] big = "0123456789abcdef".repeat(16 * 1024).getBytes(UTF_8); // 256 KiB
    ExecResult r = run(s, List.of("wc", "-c"), big, Duration.ofSeconds(30));
    assertThat(r.exitCode()).isZero();
    assertThat(out(r).trim()).isEqualTo(Integer.toString(big.length));
    assertThat(out(sh(s, "ls -a /tmp"))).doesNotContain(".berth-stdin");
  }

  @Test
  void stderrCarriesOnlyTheCommandsOwnOutput() {
    RuntimeSession s = started(Templates.plain("plain"));
    ExecResult r = run(s, List.of("ls", "/nope"), new byte[0], Duration.ofSeconds(10));
    assertThat(r.exitCode()).isNotZero();
    assertThat(new String(r.stderr(), UTF_8)).startsWith("ls: ").doesNotContainPattern("^\\d+\\n");
    assertThat(r.stderrBytes()).isEqualTo(r.stderr().length);
  }

  @Test
  void aNonRootSessionOwnsItsFilesAndGetsItsStdin() {
    RuntimeSession s = started(Templates.asUser("user", "1000:1000"));
    assertThat(sh(s, "touch at-the-root && stat -c '%u' .").stdout())
        .as("the app may write at the top of its workspace")
        .asString(UTF_8)
        .isEqualTo("1000\n");
    write(s, "dir/mine.txt", "hello");
    assertThat(out(sh(s, "id -u; stat -c '%u:%g' dir dir/mine.txt; echo more >> dir/mine.txt")))
        .isEqualTo("1000\n1000:1000\n1000:1000\n");
    assertThat(read(s, "dir/mine.txt")).isEqualTo("hellomore\n");
    ExecResult r = run(s, List.of("cat"), "in".getBytes(UTF_8), Duration.ofSeconds(10));
    assertThat(out(r)).isEqualTo("in");
    RuntimeSession stopped = s.withState(runtime.stop(s, Duration.ofSeconds(5)));
    runtime.workspace(stopped).delete(WorkspacePath.parse("dir"), true);
    assertThat(runtime.workspace(stopped).stat(WorkspacePath.parse("dir"))).isEmpty();
  }

  @Test
  void argvIsPassedExactlyWithoutAShell() {
    RuntimeSession s = started(Templates.plain("plain"));
    ExecResult r =
        run(s, List.of("echo", "$HOME", "a b", "'q'"), new byte[0], Duration.ofSeconds(10));
    assertThat(out(r)).isEqualTo("$HOME a b 'q'\n");
  }
}
