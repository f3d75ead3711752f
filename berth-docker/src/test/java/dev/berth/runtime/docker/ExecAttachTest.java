package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.ErrorCode;
import dev.berth.runtime.RuntimeSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attached execs on the real engine: stdin with a real end-of-file, stdout and stderr apart, output
 * while the process runs, TTY resize, exit codes, and bounded buffers under a slow reader.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExecAttachTest extends DockerTestBase {

  /**
   * The case docker-java cannot do. With its own transport, {@code
   * engine.client.execStartCmd(id).withStdIn(new ByteArrayInputStream(input)).exec(callback)} never
   * completes here: {@code HijackedEntity} stops writing at the end of the input but never
   * half-closes the socket ({@code UnixSocket.shutdownOutput()} throws), so {@code cat} waits for
   * more input for good and the callback's {@code awaitCompletion()} hangs (docker-java #1684).
   * Tried on this machine's engine (Docker 20.10): the echo arrived, but 5 s later the callback had
   * not completed and inspect still said the exec was running.
   */
  @Test
  void catSeesEndOfFileWhenStdinIsClosedAndEchoesItsInput() throws Exception {
    String id = exec(started(Templates.plain("plain")), false, "cat");
    try (ExecAttach a = ExecAttach.start(engine, id)) {
      a.stdin().write("hello\nworld".getBytes(UTF_8));
      a.stdin().close();
      assertThat(text(a.stdout())).isEqualTo("hello\nworld");
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void stdoutAndStderrArriveApartAndInOrder() throws Exception {
    String id =
        exec(
            started(Templates.plain("plain")),
            false,
            "sh",
            "-c",
            "echo out1; echo err1 >&2; echo out2; echo err2 >&2");
    try (ExecAttach a = ExecAttach.start(engine, id)) {
      assertThat(text(a.stdout())).isEqualTo("out1\nout2\n");
      assertThat(text(a.stderr())).isEqualTo("err1\nerr2\n");
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void outputArrivesWhileTheProcessStillRuns() throws Exception {
    String id = exec(started(Templates.plain("plain")), false, "cat");
    try (ExecAttach a = ExecAttach.start(engine, id)) {
      a.stdin().write("one\n".getBytes(UTF_8));
      assertThat(line(a.stdout())).isEqualTo("one");
      assertThat(engine.client.inspectExecCmd(id).exec().isRunning()).isTrue();
      assertThat(a.exit()).isNotDone();
      a.stdin().write("two\n".getBytes(UTF_8));
      assertThat(line(a.stdout())).isEqualTo("two");
      a.stdin().close();
      assertThat(text(a.stdout())).isEmpty();
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void aTtyExecSeesItsNewSize() throws Exception {
    // `read` holds stty back until the resize is done: it must not race the resize.
    String id =
        exec(started(Templates.plain("plain")), true, "sh", "-c", "echo ready; read x; stty size");
    try (ExecAttach a = ExecAttach.start(engine, id)) {
      assertThat(a.tty()).isTrue();
      assertThat(line(a.stdout())).isEqualTo("ready\r");
      a.resize(33, 111);
      a.stdin().write("\n".getBytes(UTF_8));
      assertThat(text(a.stdout())).contains("33 111");
      assertThat(a.stderr().read()).as("a TTY has no separate stderr").isEqualTo(-1);
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
      assertCode(() -> a.resize(0, 80), ErrorCode.BAD_REQUEST);
    }
  }

  @Test
  void theExitCodeIsTheProcesses() throws Exception {
    RuntimeSession s = started(Templates.plain("plain"));
    try (ExecAttach a = ExecAttach.start(engine, exec(s, false, "sh", "-c", "exit 7"))) {
      assertThat(text(a.stdout())).isEmpty();
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isEqualTo(7);
      assertCode(() -> a.resize(24, 80), ErrorCode.BAD_REQUEST);
    }
    try (ExecAttach a = ExecAttach.start(engine, exec(s, true, "sh", "-c", "exit 7"))) {
      assertThat(text(a.stdout())).isEmpty();
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).as("with a TTY").isEqualTo(7);
    }
  }

  @Test
  void largeOutputArrivesWholeBehindASlowReaderWhileBuffersStayBounded() throws Exception {
    int size = 5 << 20;
    String id =
        exec(
            started(Templates.plain("plain")),
            false,
            "sh",
            "-c",
            "yes 0123456789abcdef | head -c " + size + "; echo done >&2");
    try (ExecAttach a = ExecAttach.start(engine, id)) {
      // Nobody reads yet: the buffer fills to its bound and the process is held, not finished.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.stdout().available() == ExecAttach.BUFFER_BYTES);
      assertThat(engine.client.inspectExecCmd(id).exec().isRunning()).isTrue();
      assertThat(a.exit()).isNotDone();
      byte[] out = a.stdout().readAllBytes();
      assertThat(out.length).isEqualTo(size);
      assertThat(new String(out, UTF_8))
          .isEqualTo("0123456789abcdef\n".repeat(size / 17 + 1).substring(0, size));
      assertThat(text(a.stderr())).isEqualTo("done\n");
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void aClosedStderrDoesNotHoldStdoutBack() throws Exception {
    String id =
        exec(
            started(Templates.plain("plain")),
            false,
            "sh",
            "-c",
            "yes e | head -c 1000000 >&2; echo out");
    try (ExecAttach a = ExecAttach.start(engine, id)) {
      a.stderr().close();
      assertThat(text(a.stdout())).isEqualTo("out\n");
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void onlyUnixSocketEnginesAndKnownExecsAreAccepted() {
    try (DockerEngine tcp = DockerEngine.connect("tcp://127.0.0.1:1")) {
      assertCode(() -> ExecAttach.start(tcp, "abc"), ErrorCode.UNSUPPORTED);
    }
    DockerEngine wrapped = DockerEngine.wrap(engine.client);
    assertCode(() -> ExecAttach.start(wrapped, "abc"), ErrorCode.UNSUPPORTED);
    assertCode(() -> ExecAttach.start(engine, "0123456789abcdef"), ErrorCode.NOT_FOUND);
    assertCode(() -> ExecAttach.start(engine, "../containers/x"), ErrorCode.BAD_REQUEST);
  }

  @Test
  void anExecStartsOnlyOnce() throws Exception {
    String id = exec(started(Templates.plain("plain")), false, "cat");
    try (ExecAttach a = ExecAttach.start(engine, id)) {
      assertCode(() -> ExecAttach.start(engine, id), ErrorCode.CONFLICT);
      a.stdin().close();
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
    assertCode(() -> ExecAttach.start(engine, id), ErrorCode.CONFLICT);
  }

  @Test
  void anExecOfAStoppedContainerIsNotFound() {
    RuntimeSession s = started(Templates.plain("plain"));
    String id = exec(s, false, "cat");
    engine.client.stopContainerCmd(s.state().get(DockerNames.KEY_CONTAINER)).withTimeout(1).exec();
    assertCode(() -> ExecAttach.start(engine, id), ErrorCode.NOT_FOUND);
  }

  @Test
  void anExecJustCreatedStartsWithoutAnInspectAndEndsAsAnyOther() throws Exception {
    RuntimeSession s = started(Templates.plain("plain"));
    String plain = exec(s, false, "sh", "-c", "echo out; echo err >&2; exit 3");
    try (ExecAttach a = ExecAttach.startCreated(engine, plain, false, null)) {
      assertThat(a.tty()).isFalse();
      assertThat(text(a.stdout())).isEqualTo("out\n");
      assertThat(text(a.stderr())).isEqualTo("err\n");
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isEqualTo(3);
    }
    String tty = exec(s, true, "sh", "-c", "echo ready; read x; stty size");
    try (ExecAttach a = ExecAttach.startCreated(engine, tty, true, null)) {
      assertThat(line(a.stdout())).isEqualTo("ready\r");
      a.resize(33, 111);
      a.stdin().write("\n".getBytes(UTF_8));
      assertThat(text(a.stdout())).contains("33 111");
      assertThat(a.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
    // An exec that is gone is still NOT_FOUND, from the start's own 404. (One started before is
    // refused only inside its stream; that is why startCreated is for the exec's creator alone.)
    assertCode(
        () -> ExecAttach.startCreated(engine, "0123456789abcdef", false, null),
        ErrorCode.NOT_FOUND);
    assertCode(
        () -> ExecAttach.startCreated(engine, "../containers/x", false, null),
        ErrorCode.BAD_REQUEST);
  }

  private static String exec(RuntimeSession s, boolean tty, String... command) {
    return engine
        .client
        .execCreateCmd(s.state().get(DockerNames.KEY_CONTAINER))
        .withCmd(command)
        .withTty(tty)
        .withAttachStdin(true)
        .withAttachStdout(true)
        .withAttachStderr(true)
        .exec()
        .getId();
  }

  private static String text(InputStream in) throws IOException {
    return new String(in.readAllBytes(), UTF_8);
  }

  /** One line without its newline, read byte by byte so nothing after it is consumed. */
  private static String line(InputStream in) throws IOException {
    var bytes = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      assertThat(b).as("a line before the end of the output").isNotNegative();
      bytes.write(b);
    }
    return bytes.toString(UTF_8);
  }
}
