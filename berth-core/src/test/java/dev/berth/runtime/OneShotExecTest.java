package dev.berth.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.fake.ScriptedWorkspace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class OneShotExecTest {
  private static ExecRequest request(Duration timeout, int maxOutput, ExecCancellation c) {
    return new ExecRequest(
        List.of("tool", "arg"),
        WorkspacePath.ROOT,
        Map.of("K", "v"),
        "in".getBytes(UTF_8),
        timeout,
        maxOutput,
        c);
  }

  @Test
  void anExecIsAStartedProcessWithItsStdinItsFirstBytesAndItsTotals() {
    var ws =
        new ScriptedWorkspace(
            (p, spec) -> {
              p.print(ProcessStream.STDOUT, "0123456789");
              p.print(ProcessStream.STDERR, "oops");
              p.print(ProcessStream.STDOUT, "abc");
              p.end(3);
            });
    ExecResult r = ws.exec(request(Duration.ofSeconds(30), 5, ExecCancellation.none()));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(new String(r.stdout(), UTF_8)).isEqualTo("01234");
    assertThat(r.stdoutBytes()).isEqualTo(13);
    assertThat(r.stdoutTruncated()).isTrue();
    assertThat(new String(r.stderr(), UTF_8)).isEqualTo("oops");
    assertThat(r.stderrTruncated()).isFalse();
    assertThat(r.timedOut()).isFalse();
    ProcessSpec spec = ws.specs.getFirst();
    assertThat(spec.argv()).containsExactly("tool", "arg");
    assertThat(spec.env()).containsEntry("K", "v");
    assertThat(spec.tty()).isEmpty();
    assertThat(spec.stdin())
        .isInstanceOfSatisfying(
            StdinMode.Bytes.class, b -> assertThat(new String(b.data(), UTF_8)).isEqualTo("in"));
  }

  @Test
  void pastItsTimeoutTheProcessIsKilledAndWhatItPrintedIsKept() {
    var ws =
        new ScriptedWorkspace(
            (p, spec) -> {
              p.print(ProcessStream.STDOUT, "started");
              new CountDownLatch(1).await(); // hangs until killed
            });
    ExecResult r = ws.exec(request(Duration.ofMillis(200), 100, ExecCancellation.none()));

    assertThat(r.timedOut()).isTrue();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(new String(r.stdout(), UTF_8)).isEqualTo("started");
    assertThat(ws.started.getFirst().kills).isEqualTo(1);
  }

  @Test
  void aCancelledExecIsKilledAtOnceAndIsNotATimeout() {
    var cancellation = new ExecCancellation();
    var ws =
        new ScriptedWorkspace(
            (p, spec) -> {
              cancellation.cancel("session 'a' is being deleted");
              new CountDownLatch(1).await();
            });
    ExecResult r = ws.exec(request(Duration.ofMinutes(5), 100, cancellation));

    assertThat(r.timedOut()).isFalse();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(ws.started.getFirst().kills).isEqualTo(1);
    assertThat(r.elapsed()).isLessThan(Duration.ofMinutes(1));
  }

  @Test
  void aTapSeesEveryChunkInOrderBeyondTheCapturedBytes() {
    var ws =
        new ScriptedWorkspace(
            (p, spec) -> {
              p.print(ProcessStream.STDOUT, "0123456789");
              p.print(ProcessStream.STDERR, "oops");
              p.print(ProcessStream.STDOUT, "abc");
              p.end(0);
            });
    List<String> seen = new java.util.ArrayList<>();
    ExecResult r =
        OneShotExec.run(
            ws,
            request(Duration.ofSeconds(30), 5, ExecCancellation.none()),
            (stream, data, offset, length) ->
                seen.add(stream + ":" + new String(data, offset, length, UTF_8)));

    assertThat(seen).containsExactly("STDOUT:0123456789", "STDERR:oops", "STDOUT:abc");
    assertThat(new String(r.stdout(), UTF_8)).as("the result is still cut").isEqualTo("01234");
  }

  @Test
  void aTapThatFailsIsDroppedAndTheCommandGoesOn() {
    var ws =
        new ScriptedWorkspace(
            (p, spec) -> {
              p.print(ProcessStream.STDOUT, "one");
              p.print(ProcessStream.STDOUT, "two");
              p.end(7);
            });
    List<String> seen = new java.util.ArrayList<>();
    ExecResult r =
        OneShotExec.run(
            ws,
            request(Duration.ofSeconds(30), 100, ExecCancellation.none()),
            (stream, data, offset, length) -> {
              seen.add(new String(data, offset, length, UTF_8));
              throw new IllegalStateException("client went away");
            });

    assertThat(seen).containsExactly("one");
    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(new String(r.stdout(), UTF_8)).isEqualTo("onetwo");
  }

  @Test
  void anExecCancelledBeforeItBeganStartsNothing() {
    var cancellation = new ExecCancellation();
    cancellation.cancel("session 'a' is being stopped");
    var ws = new ScriptedWorkspace((p, spec) -> p.end(0));
    ExecResult r = ws.exec(request(Duration.ofSeconds(30), 100, cancellation));

    assertThat(ws.started).isEmpty();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(r.timedOut()).isFalse();
  }
}
