package dev.berth.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.template.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend with {@link Ability#PROCESSES} must show for started processes ({@link
 * WorkspaceAccess#start}), run against each backend by a subclass: output streamed as it is made
 * (stdout and stderr apart, in order), stdin written and closed while the process runs, a terminal
 * whose size the process sees and that follows a resize, signals that reach everything the process
 * started, backpressure from a slow sink, many processes at once, and nothing left after a kill, a
 * stop or a destroy. {@link ServiceProcessesContract} adds what the service keeps above the handles
 * (reattach, the bounded output log), over the same backend. Commands are busybox's and any Linux
 * host's: sh, echo, cat, head, stty, sleep, tr.
 */
public abstract class RuntimeProcessesContract {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final List<RuntimeSession> made = new ArrayList<>();
  private final List<StartedProcess> startedHere = new ArrayList<>();

  /** The runtime under test; the same instance across one test. */
  protected abstract SessionRuntime runtime();

  /** A single-container template for this backend that keeps running (its image, say). */
  protected abstract Template template(String name);

  protected RuntimeSession running() {
    RuntimeSession fresh =
        RuntimeSession.fresh(SessionId.generate(), template("procs"), Map.of("suite", "procs"));
    made.add(fresh);
    RuntimeSession prepared = fresh.withState(runtime().prepare(fresh));
    made.add(prepared);
    RuntimeSession started = prepared.withState(runtime().start(prepared).state());
    made.add(started);
    return started;
  }

  @AfterEach
  void endEverything() {
    startedHere.forEach(StartedProcess::close);
    for (RuntimeSession s : made.reversed()) {
      try {
        runtime().destroy(s);
      } catch (RuntimeException ignored) {
        // best effort: the test's own assertions already ran
      }
    }
  }

  /** Collects a process's output per stream, as text. */
  protected static final class Collected implements ProcessSink {
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();

    @Override
    public void output(ProcessStream stream, byte[] data, int offset, int length) {
      (stream == ProcessStream.STDOUT ? out : err).append(new String(data, offset, length, UTF_8));
    }

    public String out() {
      return out.toString();
    }

    public String err() {
      return err.toString();
    }
  }

  protected static List<String> sh(String line) {
    return List.of("/bin/sh", "-c", line);
  }

  private static ProcessSpec spec(List<String> argv, StdinMode stdin, Optional<TtySize> tty) {
    return new ProcessSpec(argv, WorkspacePath.ROOT, Map.of(), tty, stdin);
  }

  private StartedProcess start(RuntimeSession s, ProcessSpec spec, ProcessSink sink) {
    StartedProcess p = runtime().workspace(s).start(spec, sink);
    startedHere.add(p);
    return p;
  }

  private static int exitOf(StartedProcess p) {
    return p.exit().orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
  }

  private static void write(StartedProcess p, String text) {
    byte[] b = text.getBytes(UTF_8);
    p.write(b, 0, b.length);
  }

  /**
   * A command that prints how many processes it sees run {@code marker} (a command line like {@code
   * sleep 4123456}); the pattern is written so that the scan's own shell and grep do not match it,
   * and anchored so that the started shell, whose command line names the marker too, does not
   * count. In a container it sees the container's processes; on the local backend the host's.
   */
  protected static List<String> countCommand(String marker) {
    String pattern = "[" + marker.charAt(0) + "]" + marker.substring(1);
    return sh(
        "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo;"
            + " done | grep -c '^"
            + pattern
            + "' || true");
  }

  /** A marker command line no other test runs: {@code sleep <digit><6 random digits>}. */
  protected static String marker(int digit) {
    return "sleep " + digit + ThreadLocalRandom.current().nextInt(100_000, 999_999);
  }

  /** How many processes the running session {@code s} sees run {@code marker}. */
  private int countRunning(RuntimeSession s, String marker) {
    ExecResult r =
        runtime()
            .workspace(s)
            .exec(
                new ExecRequest(
                    countCommand(marker), WorkspacePath.ROOT, Map.of(), new byte[0], WAIT, 1024));
    return Integer.parseInt(new String(r.stdout(), UTF_8).trim());
  }

  @Test
  void outputIsStreamedAsItIsMadeAndStdinIsReadWhileTheProcessRuns() {
    RuntimeSession s = running();
    var seen = new Collected();
    StartedProcess p =
        start(
            s,
            spec(
                sh("echo first; echo oops >&2; read line; echo \"got $line\"; exit 3"),
                StdinMode.open(),
                Optional.empty()),
            seen);

    await().atMost(WAIT).until(() -> seen.out().equals("first\n") && seen.err().equals("oops\n"));
    assertThat(p.exit()).as("it waits for its input").isNotDone();
    write(p, "hello\n");

    assertThat(exitOf(p)).isEqualTo(3);
    assertThat(seen.out()).isEqualTo("first\ngot hello\n");
    assertThat(seen.err()).isEqualTo("oops\n");
  }

  @Test
  protected void closingStdinGivesTheProcessItsEndOfFile() {
    RuntimeSession s = running();
    var seen = new Collected();
    StartedProcess p = start(s, spec(List.of("cat"), StdinMode.open(), Optional.empty()), seen);
    write(p, "one\n");
    await().atMost(WAIT).until(() -> seen.out().equals("one\n"));
    write(p, "two");
    p.closeStdin();

    assertThat(exitOf(p)).isZero();
    assertThat(seen.out()).isEqualTo("one\ntwo");
  }

  @Test
  void bytesGivenForStdinAreReadThenEndOfFile() {
    RuntimeSession s = running();
    var seen = new Collected();
    StartedProcess p =
        start(
            s,
            spec(List.of("cat"), StdinMode.bytes("all of it".getBytes(UTF_8)), Optional.empty()),
            seen);
    assertThat(exitOf(p)).isZero();
    assertThat(seen.out()).isEqualTo("all of it");
    assertThatThrownBy(() -> write(p, "more"))
        .isInstanceOf(BerthException.class); // no open stdin (and it ended)
  }

  @Test
  void aTerminalHasTheAskedSizeAndFollowsAResize() {
    RuntimeSession s = running();
    var seen = new Collected();
    StartedProcess p =
        start(
            s,
            spec(
                sh("stty size; read x; stty size; read y; echo end"),
                StdinMode.open(),
                Optional.of(new TtySize(100, 30))),
            seen);
    await().atMost(WAIT).until(() -> seen.out().contains("30 100"));
    p.resize(new TtySize(120, 40));
    write(p, "\r");
    await().atMost(WAIT).until(() -> seen.out().contains("40 120"));
    p.closeStdin(); // ^D ends the second read
    assertThat(exitOf(p)).isZero();
    assertThat(seen.err()).as("a terminal merges its output").isEmpty();
    assertThatThrownBy(
            () ->
                start(s, spec(List.of("true"), StdinMode.none(), Optional.empty()), new Collected())
                    .resize(new TtySize(80, 24)))
        .isInstanceOfSatisfying(
            BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  void aSignalReachesTheProcessAndEverythingItStarted() {
    RuntimeSession s = running();
    String marker = marker(4);
    StartedProcess p = startTree(s, marker);

    p.signal(ProcessSignal.TERM);

    exitOf(p);
    await().atMost(WAIT).until(() -> countRunning(s, marker) == 0);
  }

  /**
   * A process that leaves a child running with its output (a server started with {@code &}) ends a
   * few seconds after itself, not when the child does; the child runs on. So an exec that starts a
   * server returns, as {@code docker exec} does.
   */
  @Test
  void aChildLeftRunningHoldsTheEndBackOnlyBriefly() {
    RuntimeSession s = running();
    String marker = marker(3);
    var seen = new Collected();
    StartedProcess p =
        start(s, spec(sh(marker + " & echo started"), StdinMode.none(), Optional.empty()), seen);

    assertThat(exitOf(p)).isZero();
    assertThat(seen.out()).isEqualTo("started\n");
    assertThat(countRunning(s, marker)).as("the child runs on").isEqualTo(1);
  }

  @Test
  void aTrappedSignalIsTheProcessesToHandle() {
    RuntimeSession s = running();
    var seen = new Collected();
    StartedProcess p =
        start(
            s,
            spec(
                sh("trap 'echo caught; exit 7' USR1; echo ready; while :; do sleep 0.1; done"),
                StdinMode.none(),
                Optional.empty()),
            seen);
    await().atMost(WAIT).until(() -> seen.out().contains("ready"));
    p.signal(ProcessSignal.USR1);
    assertThat(exitOf(p)).isEqualTo(7);
    assertThat(seen.out()).contains("caught");
  }

  @Test
  void killEndsTheProcessTreeAndAnswersMinusOne() {
    RuntimeSession s = running();
    String marker = marker(5);
    StartedProcess p =
        start(
            s,
            spec(sh(marker + " & wait"), StdinMode.none(), Optional.empty()),
            ProcessSink.discard());
    await().atMost(WAIT).until(() -> countRunning(s, marker) == 1);
    p.kill();
    assertThat(p.exit()).isCompletedWithValue(-1);
    await().atMost(WAIT).until(() -> countRunning(s, marker) == 0);
  }

  @Test
  void aSlowSinkHoldsTheProcessBackAndLosesNoByte() throws Exception {
    RuntimeSession s = running();
    var release = new CountDownLatch(1);
    var bytes = new AtomicLong();
    long total = 100L << 20; // 100 MiB
    ProcessSink slow =
        (stream, data, offset, length) -> {
          bytes.addAndGet(length);
          release.await();
        };
    StartedProcess p =
        start(
            s,
            spec(
                List.of("head", "-c", String.valueOf(total), "/dev/zero"),
                StdinMode.none(),
                Optional.empty()),
            slow);
    await().atMost(WAIT).until(() -> bytes.get() > 0);
    // Held back: with its reader blocked, the process cannot finish its 100 MiB.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !p.exit().isDone());
    assertThat(bytes.get()).isLessThan(total);
    release.countDown();
    assertThat(exitOf(p)).isZero();
    assertThat(bytes.get()).isEqualTo(total);
  }

  @Test
  void fiftyProcessesRunInOneSessionAtOnce() {
    RuntimeSession s = running();
    List<StartedProcess> all = new ArrayList<>();
    List<Collected> outputs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      var seen = new Collected();
      outputs.add(seen);
      all.add(start(s, spec(sh("read x; echo \"$x\""), StdinMode.open(), Optional.empty()), seen));
    }
    for (int i = 0; i < 50; i++) {
      write(all.get(i), "n" + i + "\n");
    }
    for (int i = 0; i < 50; i++) {
      assertThat(exitOf(all.get(i))).isZero();
      assertThat(outputs.get(i).out()).isEqualTo("n" + i + "\n");
    }
  }

  /**
   * A stop ends the handles' processes and everything they started. Counted from a second running
   * session: on the local backend it sees the host's processes, so a survivor would show; in a
   * container backend the stopped container took its processes with it.
   */
  @Test
  void stoppingTheSessionEndsItsProcessesAndLeavesNothingOfThemRunning() {
    RuntimeSession witness = running();
    RuntimeSession s = running();
    String marker = marker(6);
    StartedProcess p = startTree(s, marker);
    StartedProcess plain =
        start(
            s,
            spec(List.of("sleep", "600"), StdinMode.none(), Optional.empty()),
            ProcessSink.discard());

    runtime().stop(s, Duration.ofSeconds(5));

    exitOf(p);
    exitOf(plain);
    await().atMost(WAIT).until(() -> countRunning(witness, marker) == 0);
  }

  /** A destroy ends them likewise, and their handles see the end. */
  @Test
  void destroyingTheSessionEndsItsProcessesAndLeavesNothingOfThemRunning() {
    RuntimeSession witness = running();
    RuntimeSession s = running();
    String marker = marker(7);
    StartedProcess p = startTree(s, marker);

    assertThat(runtime().destroy(s).complete()).isTrue();

    exitOf(p);
    await().atMost(WAIT).until(() -> countRunning(witness, marker) == 0);
  }

  /** Starts a shell running two {@code marker}s, once both run. */
  private StartedProcess startTree(RuntimeSession s, String marker) {
    var seen = new Collected();
    StartedProcess p =
        start(
            s,
            spec(
                sh(marker + " & " + marker + " & echo ready; wait"),
                StdinMode.none(),
                Optional.empty()),
            seen);
    await().atMost(WAIT).until(() -> seen.out().contains("ready"));
    await().atMost(WAIT).until(() -> countRunning(s, marker) == 2);
    return p;
  }

  @Test
  void aSessionThatDoesNotRunStartsNothingAndMistakesAreRefused() {
    RuntimeSession s = running();
    assertThatThrownBy(
            () ->
                write(
                    start(
                        s,
                        spec(List.of("true"), StdinMode.none(), Optional.empty()),
                        ProcessSink.discard()),
                    "x"))
        .isInstanceOf(BerthException.class);
    runtime().stop(s, Duration.ofSeconds(5));
    assertThatThrownBy(
            () ->
                start(
                    s,
                    spec(List.of("true"), StdinMode.none(), Optional.empty()),
                    ProcessSink.discard()))
        .isInstanceOfSatisfying(
            BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }
}
