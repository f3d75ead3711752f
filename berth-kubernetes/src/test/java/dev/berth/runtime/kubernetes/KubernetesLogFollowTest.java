package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.LogSink;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shared log-follow contract ({@code RuntimeContract}) does not cover, on Kubernetes: the
 * container a follow reads in a pod of several, and one that ended (what it kept, then its exit
 * code); what a follow of a session without a pod, or of a container not started yet, says (the API
 * server's message, and no error body taken for log text); that a closed follow calls its sink no
 * more, and that a close interrupts a sink blocked in a call and returns.
 *
 * <p>No Kubernetes cluster can run here (FACTS.md): these run on fabric8's mock API server with the
 * {@link KubeletStandIn}, a stand-in for the kubelet that runs each pod container as a Docker
 * container and streams a followed log from {@code docker logs -f} of it ({@link StandInLogs}). So
 * they prove the runtime's request (pod, container, {@code tailLines}, {@code follow=true}), its
 * reading of the streamed answer and of the API server's errors, and its close; not a real
 * kubelet's log files, rotation, or a real API server's relaying of them.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesLogFollowTest {
  static final String NAMESPACE = "berth-logs";
  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesRuntime runtime;
  static String tag;
  @TempDir static Path imageContext;
  private final List<RuntimeSession> made = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    tag = "berthk8l" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, "bl", "test-" + tag)
                .withDefaultImage(image)
                .withStartTimeout(Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      kubelet.close();
      cluster.close();
    }
  }

  @AfterEach
  void cleanUp() {
    made.forEach(runtime::destroy);
  }

  /** What a follow delivered: its text, how many calls, and its end. */
  private static final class Followed implements LogSink {
    final StringBuffer text = new StringBuffer();
    final CompletableFuture<String> ended = new CompletableFuture<>();

    @Override
    public void output(byte[] data, int offset, int length) {
      text.append(new String(data, offset, length, UTF_8));
    }

    @Override
    public void end(String why) {
      ended.complete(why);
    }
  }

  private static List<String> sh(String line) {
    return List.of("/bin/sh", "-c", line);
  }

  /** Says {@code word} and then {@code poked} each time a file {@code poke-<word>} appears. */
  private static String chatty(String word) {
    return "echo "
        + word
        + "; while :; do if [ -f poke-"
        + word
        + " ]; then rm -f poke-"
        + word
        + "; echo poked-"
        + word
        + "; fi; sleep 0.1; done";
  }

  private RuntimeSession prepared(Template t) {
    var s = RuntimeSession.fresh(SessionId.generate(), t, Map.of("suite", "logs"));
    made.add(s);
    s = s.withState(runtime.prepare(s));
    made.add(s);
    return s;
  }

  private RuntimeSession started(Template t) {
    var s = prepared(t);
    s = s.withState(runtime.start(s).state());
    made.add(s);
    return s;
  }

  private static void poke(RuntimeSession s, String word) {
    var r =
        runtime
            .workspace(s)
            .exec(
                new ExecRequest(
                    sh("touch poke-" + word),
                    WorkspacePath.ROOT,
                    Map.of(),
                    new byte[0],
                    Duration.ofSeconds(30),
                    4096));
    assertThat(r.exitCode()).as("touch poke-%s", word).isZero();
  }

  @Test
  void aFollowReadsTheContainerOfItsTypeInAPodOfSeveral() throws Exception {
    // the shared contract accepts UNSUPPORTED from a backend without it; Kubernetes has it
    assertThat(runtime.abilities()).contains(dev.berth.runtime.Ability.LOG_FOLLOW);
    var t =
        Template.builder("two-" + tag)
            .command(sh(chatty("main")))
            .containers(
                SessionContainers.ordered(List.of(SessionContainer.of("side", sh(chatty("side"))))))
            .build();
    var s = started(t);
    var side = new Followed();
    var main = new Followed();
    try (var a = runtime.followLog(s, "side", 10, side);
        var b = runtime.followLog(s, SessionContainer.MAIN, 10, main)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> side.text.toString().equals("side\n"));
      await().atMost(Duration.ofSeconds(30)).until(() -> main.text.toString().equals("main\n"));
      poke(s, "side");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> side.text.toString().equals("side\npoked-side\n"));
      poke(s, "main");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> main.text.toString().equals("main\npoked-main\n"));
      assertThat(side.text.toString()).isEqualTo("side\npoked-side\n");
      assertThat(side.ended).isNotDone();
      assertThat(main.ended).isNotDone();
    }
    assertThatThrownBy(() -> runtime.followLog(s, "nosuch", 1, new Followed()))
        .isInstanceOfSatisfying(
            BerthException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
              assertThat(e.getMessage()).contains("nosuch").contains("side");
            });
  }

  @Test
  void aFollowOfASessionWithoutAPodEndsAtOnceSayingSo() throws Exception {
    var s = prepared(Template.builder("nopod-" + tag).command(sh(chatty("x"))).build());
    var log = new Followed();
    try (var follow = runtime.followLog(s, SessionContainer.MAIN, 5, log)) {
      assertThat(log.ended.get(30, TimeUnit.SECONDS))
          .contains("not found")
          .contains(
              KubeNames.of(s.state(), NAMESPACE, "bl", s.template().name(), s.handle()).pod());
      assertThat(log.text.toString()).as("no error body is taken for the log").isEmpty();
    }
  }

  @Test
  void aClosedFollowCallsItsSinkNoMore() throws Exception {
    var s = started(Template.builder("closed-" + tag).command(sh(chatty("c"))).build());
    var closed = new Followed();
    var witness = new Followed();
    var follow = runtime.followLog(s, SessionContainer.MAIN, 10, closed);
    try (var open = runtime.followLog(s, SessionContainer.MAIN, 10, witness)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> closed.text.toString().equals("c\n"));
      follow.close();
      poke(s, "c");
      // the follow left open sees the write, so it was made: the closed one must not have it
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> witness.text.toString().equals("c\npoked-c\n"));
      assertThat(closed.text.toString()).isEqualTo("c\n");
      assertThat(closed.ended).isNotDone();
    }
  }

  @Test
  void aContainerNotStartedYetEndsAtOnceWithTheApiServersMessage() throws Exception {
    // Pending with no container running: the stand-in leaves a pod with a phase alone
    String name = "waiting-" + tag;
    cluster
        .client
        .pods()
        .inNamespace(NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(KubeManifests.CONTAINER)
                .withImage("none")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build())
        .create();
    try {
      var log = new Followed();
      try (var follow =
          PodLogFollow.start(cluster.client, NAMESPACE, name, KubeManifests.CONTAINER, 5, log)) {
        assertThat(log.ended.get(30, TimeUnit.SECONDS))
            .contains("is waiting to start")
            .contains("HTTP 400");
        assertThat(log.text.toString()).as("no error body is taken for the log").isEmpty();
      }
    } finally {
      cluster.client.pods().inNamespace(NAMESPACE).withName(name).delete();
    }
  }

  @Test
  void aCloseInterruptsASinkThatBlocksAndReturns() throws Exception {
    var s = started(Template.builder("blocked-" + tag).command(sh(chatty("b"))).build());
    var entered = new java.util.concurrent.CountDownLatch(1);
    var interrupted = new CompletableFuture<Boolean>();
    var ended = new CompletableFuture<String>();
    LogSink stuck =
        new LogSink() {
          @Override
          public void output(byte[] data, int offset, int length) throws InterruptedException {
            entered.countDown();
            try {
              new java.util.concurrent.CountDownLatch(1).await(); // a reader that never reads on
            } catch (InterruptedException e) {
              interrupted.complete(true);
              throw e;
            }
          }

          @Override
          public void end(String why) {
            ended.complete(why);
          }
        };
    var follow = runtime.followLog(s, SessionContainer.MAIN, 10, stuck);
    assertThat(entered.await(30, TimeUnit.SECONDS)).as("the sink got the first bytes").isTrue();
    long begun = System.nanoTime();
    follow.close();
    assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(Duration.ofSeconds(5));
    assertThat(interrupted).isCompletedWithValue(true);
    assertThat(ended).isNotDone();
  }

  @Test
  void aFollowOfAContainerThatEndedGivesWhatItKeptThenItsExit() throws Exception {
    var t =
        Template.builder("ended-" + tag)
            .command(sh(chatty("m")))
            .containers(
                SessionContainers.ordered(
                    List.of(SessionContainer.of("step", sh("echo did it; exit 3")))))
            .build();
    var s = started(t);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runtime.containers(s).stream()
                    .anyMatch(
                        c ->
                            c.type().equals("step")
                                && c.phase() == dev.berth.runtime.ContainerStatus.Phase.EXITED));
    var log = new Followed();
    try (var follow = runtime.followLog(s, "step", 10, log)) {
      assertThat(log.ended.get(30, TimeUnit.SECONDS))
          .contains("step")
          .contains("exited with code 3");
      assertThat(log.text.toString()).isEqualTo("did it\n");
    }
  }
}
