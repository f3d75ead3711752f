package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth session exec -d / -i / -t}, {@code ps}, {@code attach} and {@code kill} against a
 * real server on the local backend, with the CLI's byte streams of the test's own (never a
 * terminal: {@link TerminalCliTest} drives a real one).
 */
class ProcessCliTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path home;
  private static TestServer berth;
  private static Map<String, String> env;

  @BeforeAll
  static void start() {
    berth = new TestServer(home);
    env = new HashMap<>(Map.of("BERTH_URL", berth.url(), "BERTH_HOME", home.toString()));
    assertThat(cli("session", "create", "--id", "procs").code()).isZero();
  }

  @AfterAll
  static void stop() {
    berth.close();
  }

  /** One run of the CLI: its exit code, its text output, and the process's bytes. */
  record Run(int code, String out, String err, ByteArrayOutputStream bytes) {
    String output() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** A CLI run that has begun; its process output can be watched while it runs. */
  record Running(CompletableFuture<Integer> code, StringWriter err, ByteArrayOutputStream bytes) {
    String output() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    int exit() throws Exception {
      return code.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static Run cli(String... args) {
    return cli(InputStream.nullInputStream(), args);
  }

  private static Run cli(InputStream in, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var bytes = new ByteArrayOutputStream();
    int code =
        BerthCli.run(
            args,
            env,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new Stdio(in, bytes, bytes, false));
    return new Run(code, out.toString(), err.toString(), bytes);
  }

  private static Running begin(String... args) {
    var err = new StringWriter();
    var bytes = new ByteArrayOutputStream();
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(
            () ->
                BerthCli.run(
                    args,
                    env,
                    new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true),
                    new Stdio(InputStream.nullInputStream(), bytes, bytes, false)),
            r -> Thread.ofVirtual().start(r));
    return new Running(code, err, bytes);
  }

  private static String detached(String shellLine) {
    Run d = cli("session", "exec", "-d", "procs", "--", shellLine);
    assertThat(d.code()).as(d.err()).isZero();
    String pid = d.out().strip();
    assertThat(pid).matches("p[0-9]+");
    return pid;
  }

  @Test
  void aDetachedProcessIsListedAttachedToWithItsEarlierOutputAndKilled() throws Exception {
    String pid = detached("echo before-attach; exec sleep 600");

    Run ps = cli("session", "ps", "procs");
    assertThat(ps.out())
        .containsPattern(pid + "\\s+running \\(bg\\)")
        .contains("echo before-attach; exec sleep 600");

    // The output written before anyone attached is replayed, then the attach waits for more.
    Running attached = begin("session", "attach", "procs", pid);
    await().atMost(WAIT).until(() -> attached.output().contains("before-attach"));
    assertThat(attached.code()).isNotDone();

    Run kill = cli("session", "kill", "procs", pid);
    assertThat(kill.code()).as(kill.err()).isZero();
    assertThat(kill.out()).contains("process " + pid + ": killed through the API");

    // The attached CLI sees the end: Berth ended it, so there is no exit code of its own: Berth's
    // 125.
    assertThat(attached.exit()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(attached.err().toString())
        .contains("berth: process " + pid + " ended: killed through the API");
    assertThat(cli("session", "ps", "procs").out())
        .containsPattern(pid + "\\s+exited \\(bg\\)\\s+-1");

    // Attaching to the ended process replays its output and its end.
    Run late = cli("session", "attach", "procs", pid);
    assertThat(late.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(late.output()).contains("before-attach");
  }

  @Test
  void aSignalReachesTheProcessAndTheAttachedCliExitsWithItsCode() throws Exception {
    String pid =
        detached("trap 'echo got-term; exit 7' TERM; echo armed; while :; do sleep 0.1; done");
    Running attached = begin("session", "attach", "procs", pid);
    await().atMost(WAIT).until(() -> attached.output().contains("armed"));

    Run signal = cli("session", "kill", "procs", pid, "--signal", "TERM");
    assertThat(signal.code()).as(signal.err()).isZero();
    assertThat(signal.out()).contains("sent TERM to process " + pid);

    assertThat(attached.exit()).as(attached.err().toString()).isEqualTo(7);
    assertThat(attached.output()).contains("got-term");

    Run bad = cli("session", "kill", "procs", pid, "--signal", "FROB");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("FROB").contains("400");
  }

  @Test
  void execWithStdinPipesItInClosesItAtItsEndAndExitsWithTheCommandsCode() {
    Run run =
        cli(
            new ByteArrayInputStream("hello\nworld\n".getBytes(StandardCharsets.UTF_8)),
            "session",
            "exec",
            "-i",
            "procs",
            "--",
            "tr a-z A-Z; exit 4");
    assertThat(run.code()).as(run.err()).isEqualTo(4);
    assertThat(run.output()).isEqualTo("HELLO\nWORLD\n");
  }

  @Test
  void unknownSessionsAndProcessesAndAMissingTerminalAreClearErrorsThatStartNothing() {
    Run noProcess = cli("session", "attach", "procs", "p999");
    assertThat(noProcess.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(noProcess.err()).startsWith("berth: ").contains("p999").contains("404");

    Run noSession = cli("session", "attach", "nosuch", "p1");
    assertThat(noSession.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(noSession.err()).contains("no session 'nosuch'").contains("404");

    assertThat(cli("session", "kill", "procs", "p999").err()).contains("p999").contains("404");
    assertThat(cli("session", "ps", "nosuch").err()).contains("no session 'nosuch'");
    assertThat(cli("session", "exec", "-i", "nosuch", "--", "true").err())
        .contains("no session 'nosuch'");

    String before = cli("session", "ps", "procs", "--json").out();
    Run noTerminal = cli("session", "exec", "-it", "procs", "--", "sh");
    assertThat(noTerminal.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(noTerminal.err())
        .startsWith("berth: -t needs a terminal, and standard input is not one");
    Run shell = cli("shell", "procs");
    assertThat(shell.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(shell.err()).contains("-t needs a terminal");
    assertThat(cli("session", "ps", "procs", "--json").out()).isEqualTo(before);

    Run timeout = cli("session", "exec", "-d", "--timeout", "5", "procs", "--", "true");
    assertThat(timeout.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(timeout.err()).contains("--timeout is for a one-shot exec");
  }
}
