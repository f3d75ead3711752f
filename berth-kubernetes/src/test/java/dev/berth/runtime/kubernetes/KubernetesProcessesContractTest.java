package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.ProcessStream;
import dev.berth.runtime.RuntimeProcessesContract;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.ServiceProcessesContract;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.StartedProcess;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.TestTemplates;
import dev.berth.runtime.TtySize;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared contract for started processes ({@link RuntimeProcessesContract}, and the service over
 * them: {@link ServiceProcessesContract}) on the Kubernetes runtime, against fabric8's mock API
 * server with a {@link KubeletStandIn} that runs the pods as containers on the machine's Docker
 * engine and answers exec over {@code v4.channel.k8s.io}, terminals included ({@link
 * StandInTtyExec}). No real Kubernetes cluster runs here (FACTS.md): these tests prove the
 * runtime's side of the protocol (prelude, marker signals, stdin, resize, exit, backpressure
 * through fabric8's exec) against real processes, not a real kubelet's exec.
 *
 * <p>One case differs from the shared suite: without a terminal, Kubernetes cannot end an open
 * stdin (v4 has no end-of-file), so closing it is refused as {@code UNSUPPORTED}, and this class
 * checks that refusal and the two ways that work instead.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesProcessesContractTest extends ServiceProcessesContract {
  private static final String NAMESPACE = "berth-procs";
  private static MockCluster cluster;
  private static KubeletStandIn kubelet;
  private static KubernetesRuntime runtime;
  private static String image;
  @TempDir static Path imageContext;

  @BeforeAll
  static void startCluster() throws Exception {
    image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    String tag = "berthk8sp" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, "bp", "test-" + tag).withDefaultImage(image));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      kubelet.close();
      cluster.close();
    }
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected Template template(String name) {
    return TestTemplates.with(
        name, Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty());
  }

  private static StartedProcess start(
      RuntimeSession s, List<String> argv, Optional<TtySize> tty, Seen seen) {
    return runtime
        .workspace(s)
        .start(new ProcessSpec(argv, WorkspacePath.ROOT, Map.of(), tty, StdinMode.open()), seen);
  }

  /** Stdout as text (the shared suite's collector cannot be made from this package). */
  private static final class Seen implements ProcessSink {
    private final StringBuffer out = new StringBuffer();

    @Override
    public void output(ProcessStream stream, byte[] data, int offset, int length) {
      out.append(new String(data, offset, length, UTF_8));
    }

    String out() {
      return out.toString();
    }
  }

  private static void write(StartedProcess p, String text) {
    byte[] b = text.getBytes(UTF_8);
    p.write(b, 0, b.length);
  }

  /**
   * Replaces the shared case: v4.channel.k8s.io has no end-of-file for an open stdin without a
   * terminal, so closing one is refused, saying why and what works; the process is left as it was.
   * In a terminal, closing stdin types ^D and the process reads its end-of-file.
   */
  @Test
  @Override
  protected void closingStdinGivesTheProcessItsEndOfFile() {
    RuntimeSession s = running();
    var seen = new Seen();
    try (StartedProcess p = start(s, List.of("cat"), Optional.empty(), seen)) {
      write(p, "one\n");
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.out().equals("one\n"));

      assertThatThrownBy(p::closeStdin)
          .isInstanceOfSatisfying(
              BerthException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
                assertThat(e.getMessage())
                    .contains("v4.channel.k8s.io", "terminal", "bytes up front");
              });
      write(p, "still open\n");
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.out().endsWith("still open\n"));
      assertThat(p.exit()).isNotDone();
    }

    var typed = new Seen();
    try (StartedProcess p = start(s, List.of("cat"), Optional.of(new TtySize(80, 24)), typed)) {
      write(p, "two\n");
      await().atMost(Duration.ofSeconds(30)).until(() -> typed.out().contains("two\r\ntwo\r\n"));
      p.closeStdin();
      assertThat(p.exit().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
    }
  }

  /**
   * Kubernetes types given bytes into a terminal, then ^D (^D twice after an unfinished line: the
   * first hands the line over); a terminal without stdin still is the process's terminal.
   */
  @Test
  void bytesAreTypedIntoATerminalThenEndOfFile() {
    RuntimeSession s = running();
    var typed = new Seen();
    StartedProcess cat =
        runtime
            .workspace(s)
            .start(
                new ProcessSpec(
                    List.of("cat"),
                    WorkspacePath.ROOT,
                    Map.of(),
                    Optional.of(TtySize.standard()),
                    StdinMode.bytes("no newline".getBytes(UTF_8))),
                typed);
    try (cat) {
      assertThat(cat.exit().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
      assertThat(typed.out()).contains("no newline");
    }
    var sized = new Seen();
    StartedProcess stty =
        runtime
            .workspace(s)
            .start(
                new ProcessSpec(
                    List.of("stty", "size"),
                    WorkspacePath.ROOT,
                    Map.of(),
                    Optional.of(new TtySize(91, 17)),
                    StdinMode.none()),
                sized);
    try (stty) {
      assertThat(stty.exit().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
      assertThat(sized.out()).contains("17 91");
    }
  }

  /**
   * A kill does not wait for a sink that does not read: the sink's blocked call is interrupted, the
   * kill returns, the exit is -1, and the sink hears nothing after it.
   */
  @Test
  void aKillEndsAProcessWhoseSinkIsBlocked() {
    RuntimeSession s = running();
    var calls = new AtomicInteger();
    var afterExit = new AtomicInteger();
    var interrupted = new AtomicInteger();
    var exitRef = new java.util.concurrent.atomic.AtomicReference<StartedProcess>();
    ProcessSink stuck =
        (stream, data, offset, length) -> {
          StartedProcess p = exitRef.get();
          if (p != null && p.exit().isDone()) {
            afterExit.incrementAndGet();
          }
          calls.incrementAndGet();
          try {
            new CountDownLatch(1).await(); // never released: only an interrupt ends it
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
          }
        };
    StartedProcess p =
        runtime
            .workspace(s)
            .start(
                new ProcessSpec(
                    List.of("sh", "-c", "while :; do echo filling; done"),
                    WorkspacePath.ROOT,
                    Map.of(),
                    Optional.empty(),
                    StdinMode.none()),
                stuck);
    exitRef.set(p);
    try (p) {
      await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > 0);
      long started = System.nanoTime();
      p.kill();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
      assertThat(p.exit()).isCompletedWithValue(-1);
    }
    assertThat(interrupted).as("the blocked sink call was cut off").hasValue(1);
    assertThat(afterExit).hasValue(0);
  }
}
