package dev.berth.runtime.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.TestTemplates;
import dev.berth.runtime.TtySize;
import dev.berth.runtime.WorkspacePath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local backend adds to the started-process contract: a process that left its group still
 * gets the signal and the kill (found by its marker), a destroyed session's processes end, and the
 * refusals.
 */
class LocalStartedProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path tmp;
  private LocalRuntime runtime;
  private RuntimeSession session;

  private RuntimeSession running() {
    runtime = new LocalRuntime(tmp.resolve("sessions"), "started-" + ProcessHandle.current().pid());
    var template = TestTemplates.plain("started");
    RuntimeSession s = RuntimeSession.fresh(SessionId.generate(), template, Map.of());
    s = s.withState(runtime.prepare(s));
    session = s.withState(runtime.start(s).state());
    return session;
  }

  @AfterEach
  void destroy() {
    if (session != null) {
      runtime.destroy(session);
    }
  }

  private StartedProcess start(String line, Optional<TtySize> tty) {
    return runtime
        .workspace(session)
        .start(
            new ProcessSpec(
                List.of("/bin/sh", "-c", line),
                WorkspacePath.ROOT,
                Map.of(),
                tty,
                StdinMode.none()),
            ProcessSink.discard());
  }

  /** Live processes whose command line is exactly {@code commandLine}. */
  private static List<ProcessHandle> running(String commandLine) {
    return ProcessHandle.allProcesses().filter(p -> commandLineOf(p).equals(commandLine)).toList();
  }

  private static String commandLineOf(ProcessHandle p) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", p.pid() + "/cmdline"));
      return new String(raw, UTF_8).replace('\0', ' ').trim();
    } catch (Exception gone) {
      return "";
    }
  }

  private static String sleeper() {
    return "sleep 7" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
  }

  @Test
  void aSignalAndAKillReachAChildThatLeftTheProcessGroup() {
    running();
    String first = sleeper();
    String second = sleeper();
    // setsid puts each sleep in a session and group of its own: only the marker still ties it.
    StartedProcess p =
        start("setsid " + first + " & setsid " + second + " & wait", Optional.empty());
    await().atMost(WAIT).until(() -> running(first).size() == 1 && running(second).size() == 1);
    ProcessHandle escaped = running(first).get(0);

    p.signal(ProcessSignal.TERM);
    await().atMost(WAIT).until(() -> !escaped.isAlive());
    await().atMost(WAIT).until(() -> running(second).isEmpty());
    p.exit().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  @Test
  void killEndsAChildThatLeftTheGroupInATerminalToo() {
    running();
    String marker = sleeper();
    StartedProcess p = start("setsid " + marker + " & wait", Optional.of(TtySize.standard()));
    await().atMost(WAIT).until(() -> running(marker).size() == 1);
    ProcessHandle escaped = running(marker).get(0);

    p.kill();

    assertThat(p.exit()).isCompletedWithValue(-1);
    await().atMost(WAIT).until(() -> !escaped.isAlive());
  }

  /**
   * pty4j ends its reads once the process is reaped; the exit must still come after the last
   * output, every time (fifty rounds, as a race shows itself only now and then: a terminal closed
   * under its shell made it die of SIGHUP, exit 129).
   */
  @Test
  void aTerminalsLastOutputArrivesBeforeItsExit() {
    running();
    for (int round = 0; round < 50; round++) {
      var seen = new StringBuffer();
      StartedProcess p =
          runtime
              .workspace(session)
              .start(
                  new ProcessSpec(
                      List.of("/bin/sh", "-c", "head -c 3000 /dev/zero | tr '\\0' x; echo; exit 3"),
                      WorkspacePath.ROOT,
                      Map.of(),
                      Optional.of(TtySize.standard()),
                      StdinMode.none()),
                  (stream, data, offset, length) ->
                      seen.append(new String(data, offset, length, UTF_8)));
      assertThat(p.exit().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()).isEqualTo(3);
      assertThat(seen.toString().replaceAll("[^x]", "")).as("round " + round).hasSize(3000);
    }
  }

  @Test
  void destroyingTheSessionEndsItsProcesses() {
    running();
    String marker = sleeper();
    StartedProcess p = start("exec " + marker, Optional.empty());
    await().atMost(WAIT).until(() -> running(marker).size() == 1);

    runtime.destroy(session);
    session = null;

    assertThat(p.exit()).isDone();
    assertThat(running(marker)).isEmpty();
  }

  @Test
  void aStoppedSessionStartsNothingUntilItIsStartedAgain() {
    RuntimeSession s = running();
    runtime.stop(s, Duration.ofSeconds(5));
    assertThatThrownBy(() -> start("true", Optional.empty()))
        .isInstanceOfSatisfying(
            BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));

    session = s.withState(runtime.start(s).state());
    StartedProcess p = start("exit 4", Optional.empty());
    assertThat(p.exit().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()).isEqualTo(4);
  }
}
