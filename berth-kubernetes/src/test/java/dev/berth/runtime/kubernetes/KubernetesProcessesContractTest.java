package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessStream;
import dev.berth.runtime.RuntimeProcessesContract;
import dev.berth.runtime.RuntimeSession;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared contract for started processes ({@link RuntimeProcessesContract}) on the Kubernetes
 * runtime, against fabric8's mock API server with a {@link KubeletStandIn} that runs the pods as
 * containers on the machine's Docker engine and answers exec over {@code v4.channel.k8s.io},
 * terminals included ({@link StandInTtyExec}). No real Kubernetes cluster runs here (FACTS.md):
 * these tests prove the runtime's side of the protocol (prelude, marker signals, stdin, resize,
 * exit, backpressure through fabric8's exec) against real processes, not a real kubelet's exec.
 *
 * <p>One case differs from the shared suite: without a terminal, Kubernetes cannot end an open
 * stdin (v4 has no end-of-file), so closing it is refused as {@code UNSUPPORTED}, and this class
 * checks that refusal and the two ways that work instead.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesProcessesContractTest extends RuntimeProcessesContract {
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
        .start(
            new dev.berth.runtime.ProcessSpec(
                argv, WorkspacePath.ROOT, Map.of(), tty, StdinMode.open()),
            seen);
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
}
