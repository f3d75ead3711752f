package dev.berth.runtime.docker;

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
import dev.berth.runtime.RuntimeSession;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle operations never wait for an exec, on a real container (issue 15): a delete, a stop and
 * the max lifetime end a running {@code sleep 30} at once, and the exec's caller is told why. An
 * exec ended while its container keeps running is killed inside the container, with its children.
 */
class DockerLongExecTest extends DockerTestBase {
  /**
   * Far below the 30 s the command would run: only an ended exec lets the operation be this fast.
   */
  private static final Duration PROMPT = Duration.ofSeconds(15);

  @TempDir Path home;
  private Registry registry;
  private SessionService service;

  @BeforeEach
  void setUp() {
    Template plain = Templates.plain("plain");
    Template shortLived =
        Templates.plain("short").toBuilder().maxLifetime(Duration.ofSeconds(2)).build();
    registry = Registry.openSqlite(home.resolve("berth.db"));
    service =
        new SessionService(
            registry,
            Backends.of(runtime),
            new TemplateCatalog(Map.of("plain", plain, "short", shortLived)),
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
        // removeEverything catches what is left
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

  @Test
  void aDeleteDuringALongExecEndsItAndReturnsPromptly() throws Exception {
    SessionId id = running("plain");
    var call = sleepIn(id);

    long took = secondsOf(() -> assertThat(service.delete(id).complete()).isTrue());

    assertThat(took).as("seconds the delete took").isLessThan(PROMPT.toSeconds());
    BerthException e = failure(call);
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).isEqualTo("exec ended: session '" + id + "' is being deleted");
    assertThat(registry.sessions().find(id).orElseThrow().status())
        .isEqualTo(SessionStatus.DELETED);
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

    // The reconciler's passes, as the server runs them: before, each skipped the busy session.
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
  void anEndedExecIsKilledInsideTheRunningContainerWithItsChildren() throws Exception {
    RuntimeSession s = started(Templates.plain("plain"));
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
    CompletableFuture<ExecResult> call =
        CompletableFuture.supplyAsync(() -> runtime.workspace(s).exec(request));
    await().atMost(Duration.ofSeconds(20)).until(() -> out(sh(s, "ps -o args")).contains("1235"));

    cancellation.cancel("a test ends it");
    ExecResult ended = call.get(PROMPT.toSeconds(), TimeUnit.SECONDS);

    assertThat(ended.timedOut()).as("ended, not timed out").isFalse();
    assertThat(ended.exitCode()).isEqualTo(-1);
    assertThat(out(ended)).doesNotContain("never");
    assertThat(out(sh(s, "ps -o args")))
        .as("the container runs on, without the command or its child")
        .doesNotContain("sleep 1234")
        .doesNotContain("sleep 1235");
  }
}
