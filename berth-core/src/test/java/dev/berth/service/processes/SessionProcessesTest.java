package dev.berth.service.processes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.ManualClock;
import dev.berth.base.SessionId;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.ProcessStream;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.TtySize;
import dev.berth.runtime.WorkspacePath;
import dev.berth.runtime.fake.ScriptedWorkspace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class SessionProcessesTest {
  private final ManualClock clock = ManualClock.atTheEpochOfTests();
  private final SessionProcesses processes = new SessionProcesses(clock);
  private final SessionId a = new SessionId("a");
  private final SessionId b = new SessionId("b");
  private final CountDownLatch never = new CountDownLatch(1);

  private static ProcessSpec spec(String... argv) {
    return new ProcessSpec(
        List.of(argv), WorkspacePath.ROOT, Map.of(), Optional.empty(), StdinMode.open());
  }

  /** Processes that print their argv and run until killed, or end at once with "exit N". */
  private final ScriptedWorkspace ws =
      new ScriptedWorkspace(
          (p, spec) -> {
            p.print(ProcessStream.STDOUT, String.join(" ", spec.argv()));
            if (spec.argv().getFirst().equals("exit")) {
              p.end(Integer.parseInt(spec.argv().get(1)));
            } else {
              never.await();
            }
          });

  @Test
  void processesGetIdsOfTheirSessionAndAreFoundByThemOnlyThere() {
    LiveProcess one = processes.start(a, ws, spec("server"), true);
    LiveProcess two = processes.start(a, ws, spec("watcher"), false);
    LiveProcess other = processes.start(b, ws, spec("server"), true);

    assertThat(List.of(one.id(), two.id(), other.id())).containsExactly("p1", "p2", "p1");
    assertThat(processes.list(a)).extracting(LiveProcess::id).containsExactly("p1", "p2");
    assertThat(processes.get(a, "p2").argv()).containsExactly("watcher");
    assertThat(processes.get(b, "p1")).isSameAs(other);
    assertThatThrownBy(() -> processes.get(b, "p2"))
        .isInstanceOfSatisfying(
            BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("session 'b' has no process 'p2'");
  }

  @Test
  void aClientThatComesBackReadsTheOutputItMissedAndTheExitCode() throws Exception {
    LiveProcess p = processes.start(a, ws, spec("exit", "4"), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> !p.running());

    var read = p.output().read(0, 1000, Duration.ZERO);
    assertThat(new String(read.chunks().getFirst().data(), UTF_8)).isEqualTo("exit 4");
    assertThat(read.ended()).isTrue();
    assertThat(p.exitCode()).hasValue(4);
    assertThat(p.ended()).isPresent();
    assertThat(processes.list(a)).containsExactly(p); // still listed after its end
  }

  @Test
  void stdinResizeAndSignalsReachTheHandle() {
    LiveProcess p = processes.start(a, ws, spec("sh"), false);
    byte[] line = "echo hi\n".getBytes(UTF_8);
    p.write(line, 0, line.length);
    p.closeStdin();
    p.resize(new TtySize(120, 40));
    p.signal(ProcessSignal.INT);

    var handle = ws.started.getFirst();
    assertThat(handle.stdin.toString(UTF_8)).isEqualTo("echo hi\n");
    assertThat(handle.stdinClosed).isTrue();
    assertThat(handle.sizes).containsExactly(new TtySize(120, 40));
    assertThat(handle.signals).containsExactly(ProcessSignal.INT);
  }

  @Test
  void endAllKillsWhatStillRunsInTheSessionAndSaysWhy() {
    LiveProcess running = processes.start(a, ws, spec("server"), true);
    LiveProcess done = processes.start(a, ws, spec("exit", "0"), true);
    LiveProcess neighbour = processes.start(b, ws, spec("server"), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> !done.running());

    assertThat(processes.endAll(a, "session 'a' is being stopped")).isEqualTo(1);

    assertThat(running.running()).isFalse();
    assertThat(running.exitCode()).hasValue(-1);
    assertThat(running.endedBy()).hasValue("session 'a' is being stopped");
    assertThat(done.endedBy()).isEmpty();
    assertThat(done.exitCode()).hasValue(0);
    assertThat(neighbour.running()).isTrue();
  }

  @Test
  void aSessionRunsAtMostSoManyProcessesAtOnce() {
    for (int i = 0; i < SessionProcesses.MAX_LIVE; i++) {
      processes.start(a, ws, spec("server"), true);
    }
    assertThatThrownBy(() -> processes.start(a, ws, spec("one-more"), true))
        .isInstanceOfSatisfying(
            BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS))
        .hasMessageContaining("already runs " + SessionProcesses.MAX_LIVE + " processes");
    assertThat(ws.started).hasSize(SessionProcesses.MAX_LIVE); // the refused one was not started

    processes.get(a, "p1").kill("test");
    assertThat(processes.start(a, ws, spec("now-there-is-room"), true).id())
        .isEqualTo("p" + (SessionProcesses.MAX_LIVE + 1));
  }

  @Test
  void endedProcessesAreForgottenAfterAWhileAndBeyondACount() {
    LiveProcess first = processes.start(a, ws, spec("exit", "0"), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> !first.running());
    clock.advance(SessionProcesses.KEEP_ENDED.plusSeconds(1));
    assertThat(processes.list(a)).isEmpty(); // and its ids begin again

    for (int i = 0; i < SessionProcesses.MAX_ENDED + 3; i++) {
      LiveProcess p = processes.start(a, ws, spec("exit", "0"), true);
      await().atMost(Duration.ofSeconds(10)).until(() -> !p.running());
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(processes.list(a)).hasSize(SessionProcesses.MAX_ENDED);
    assertThat(processes.list(a).getFirst().id()).isEqualTo("p4"); // p1..p3 went first
  }
}
