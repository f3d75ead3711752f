package dev.berth.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.reconcile.SessionReconciler;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Backends;
import dev.berth.runtime.ExecCancellation;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.TestTemplates;
import dev.berth.runtime.WorkspacePath;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.ExecCommand;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle operations never wait for an exec, on Kubernetes (issue 15; {@code
 * LongExecLifecycleTest} and {@code DockerLongExecTest} on the other backends): a delete, a stop
 * and the max lifetime end a running {@code sleep 30} at once, the exec's caller is told why, and
 * nothing of it runs on. An exec ended while its pod keeps running is killed inside the pod, with
 * its children: the exec API cannot kill, so {@link PodProcess} kills what carries the exec's
 * marker with a second exec. Against fabric8's mock API server with the {@link KubeletStandIn}
 * running pods as containers on the machine's Docker engine and answering exec with {@code docker
 * exec}; closing an exec's stream there ends the stream, not the process inside, as a real kubelet
 * does.
 */
@ExtendWith(DockerForStandIn.class)
class KubernetesLongExecTest {
  static final String NAMESPACE = "berth-longexec";

  /**
   * Far below the 30 s the command would run: only an ended exec lets the operation be this fast.
   */
  private static final Duration PROMPT = Duration.ofSeconds(15);

  static MockCluster cluster;
  static KubeletStandIn kubelet;
  static KubernetesRuntime runtime;
  static String tag;
  @TempDir static Path imageContext;
  @TempDir Path home;
  private Registry registry;
  private SessionService service;

  @BeforeAll
  static void startCluster() throws Exception {
    String image = KubeletStandIn.buildImage(imageContext);
    cluster = new MockCluster();
    tag = "berthk8x" + Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    kubelet = new KubeletStandIn(cluster, NAMESPACE, tag);
    runtime =
        new KubernetesRuntime(
            cluster.client,
            KubernetesOptions.defaults(NAMESPACE, "bx", "test-" + tag)
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

  private static Template plain(String name) {
    return TestTemplates.with(
        name, Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty());
  }

  @BeforeEach
  void setUp() {
    Template shortLived = plain("short").toBuilder().maxLifetime(Duration.ofSeconds(2)).build();
    registry = Registry.openSqlite(home.resolve("berth.db"));
    service =
        new SessionService(
            registry,
            Backends.of(runtime),
            new TemplateCatalog(Map.of("plain", plain("plain"), "short", shortLived)),
            new Tokens(registry.tokens(), Clock.systemUTC()),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS);
  }

  @AfterEach
  void tearDown() {
    for (Session s : registry.sessions().list(SessionFilter.ALL_LIVE)) {
      try {
        service.delete(s.id());
      } catch (RuntimeException ignored) {
        // the stand-in's close removes what is left
      }
    }
    registry.close();
  }

  private SessionId running(String template) {
    var created =
        service.create(
            new CreateSessionRequest(
                Optional.empty(), Optional.of(template), Optional.empty(), Map.of(), true));
    assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
    return created.session().id();
  }

  private static ExecCommand command(String line, Duration timeout) {
    return new ExecCommand(
        ExecRequest.shell(line), Optional.empty(), Map.of(), new byte[0], Optional.of(timeout));
  }

  private String ps(SessionId id) {
    ExecResult r = service.workspace().exec(id, command("ps -o args", Duration.ofSeconds(20)));
    return new String(r.stdout(), UTF_8);
  }

  /** Starts {@code sleep 30} in the session on another thread; returns once it runs. */
  private CompletableFuture<ExecResult> sleepIn(SessionId id) {
    CompletableFuture<ExecResult> call =
        CompletableFuture.supplyAsync(
            () -> service.workspace().exec(id, command("sleep 30", Duration.ofSeconds(60))));
    await().atMost(Duration.ofSeconds(20)).until(() -> ps(id).contains("sleep 30"));
    return call;
  }

  /** The error the exec's caller got, which must come promptly. */
  private static BerthException failure(CompletableFuture<ExecResult> call) throws Exception {
    try {
      ExecResult result = call.get(PROMPT.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("the exec returned normally, exit " + result.exitCode());
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(BerthException.class);
      return (BerthException) e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the exec is still running", e);
    }
  }

  private static long secondsOf(Runnable work) {
    long t0 = System.nanoTime();
    work.run();
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
  }

  /** The stand-in's Docker containers of the session's pod that still exist. */
  private static String podContainers(SessionId id) {
    return KubeletStandIn.docker(
            List.of(
                "ps",
                "-aq",
                "--filter",
                "label=berthk8s.standin=" + tag,
                "--filter",
                "name=" + id.value()))
        .out();
  }

  @Test
  void aDeleteDuringALongExecEndsItAndReturnsPromptly() throws Exception {
    SessionId id = running("plain");
    var call = sleepIn(id);
    assertThat(podContainers(id)).as("the pod's container runs").isNotEmpty();

    long took = secondsOf(() -> assertThat(service.delete(id).complete()).isTrue());

    assertThat(took).as("seconds the delete took").isLessThan(PROMPT.toSeconds());
    BerthException e = failure(call);
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).isEqualTo("exec ended: session '" + id + "' is being deleted");
    assertThat(registry.sessions().find(id).orElseThrow().status())
        .isEqualTo(SessionStatus.DELETED);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(podContainers(id))
                    .as("the pod, and the sleep in it, are gone")
                    .isEmpty());
  }

  @Test
  void aStopDuringALongExecEndsItAndTheSessionStartsAgainWithoutIt() throws Exception {
    SessionId id = running("plain");
    var call = sleepIn(id);

    long took =
        secondsOf(() -> assertThat(service.stop(id).status()).isEqualTo(SessionStatus.STOPPED));

    assertThat(took).as("seconds the stop took").isLessThan(PROMPT.toSeconds());
    assertThat(failure(call).getMessage())
        .isEqualTo("exec ended: session '" + id + "' is being stopped");
    assertThat(service.start(id).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(ps(id)).doesNotContain("sleep 30");
  }

  @Test
  void theMaxLifetimeEndsASessionWhileAnExecRuns() throws Exception {
    SessionId id = running("short");
    var call = sleepIn(id);
    var reconciler = new SessionReconciler(service, ReconcileMetrics.NONE);

    // The reconciler's passes, as the server runs them: a busy session must not be skipped.
    await()
        .atMost(PROMPT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              reconciler.reconcileAll();
              return service.get(id).status() != SessionStatus.RUNNING;
            });

    assertThat(service.get(id).status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(failure(call).getMessage())
        .startsWith("exec ended: session '" + id + "' is being stopped: ")
        .contains("max lifetime");
  }

  @Test
  void anEndedExecIsKilledInsideTheRunningPodWithItsChildren() throws Exception {
    RuntimeSession fresh = RuntimeSession.fresh(SessionId.generate(), plain("plain"), Map.of());
    RuntimeSession prepared = fresh.withState(runtime.prepare(fresh));
    RuntimeSession s = prepared.withState(runtime.start(prepared).state());
    try {
      var files = runtime.workspace(s);
      var cancellation = new ExecCancellation();
      var request =
          new ExecRequest(
              ExecRequest.shell("sleep 1234 & sleep 1235; echo never"),
              WorkspacePath.ROOT,
              Map.of(),
              new byte[0],
              Duration.ofSeconds(60),
              1 << 16,
              cancellation);
      CompletableFuture<ExecResult> call = CompletableFuture.supplyAsync(() -> files.exec(request));
      await().atMost(Duration.ofSeconds(20)).until(() -> psIn(s).contains("sleep 1235"));

      cancellation.cancel("a test ends it");
      ExecResult ended = call.get(PROMPT.toSeconds(), TimeUnit.SECONDS);

      assertThat(ended.timedOut()).as("ended, not timed out").isFalse();
      assertThat(ended.exitCode()).isEqualTo(-1);
      assertThat(new String(ended.stdout(), UTF_8)).doesNotContain("never");
      assertThat(psIn(s))
          .as("the pod runs on, without the command or its child")
          .doesNotContain("sleep 1234")
          .doesNotContain("sleep 1235");
      assertThat(runtime.inspect(s)).isInstanceOf(ObservedState.Running.class);
    } finally {
      runtime.destroy(s);
    }
  }

  private static String psIn(RuntimeSession s) {
    var ps =
        new ExecRequest(
            ExecRequest.shell("ps -o args"),
            WorkspacePath.ROOT,
            Map.of(),
            new byte[0],
            Duration.ofSeconds(20),
            1 << 16,
            ExecCancellation.none());
    return new String(runtime.workspace(s).exec(ps).stdout(), UTF_8);
  }
}
