package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.ExecCancellation;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.ExecCommand;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle operations never wait for an exec (issue 15): a delete, a stop and the reconciler's max
 * lifetime end a running {@code sleep 30} at once, the process is gone afterwards, and the exec's
 * caller is told what ended it. Before, an exec held the session's lock for its whole run: a delete
 * waited it out and the reconciler skipped the session.
 */
class LongExecLifecycleTest {
  /**
   * Far below the 30 s the command would run: only an ended exec lets the operation be this fast.
   */
  private static final Duration PROMPT = Duration.ofSeconds(15);

  @TempDir Path home;
  private TestServices t;

  @BeforeEach
  void setUp() throws IOException {
    Path app = Files.createDirectories(home.resolve("templates/app"));
    Files.writeString(app.resolve("template.yaml"), "command: [sleep, '300']\n");
    Path shortLived = Files.createDirectories(home.resolve("templates/short"));
    Files.writeString(
        shortLived.resolve("template.yaml"), "command: [sleep, '300']\nmaxLifetime: 2s\n");
    Path idle = Files.createDirectories(home.resolve("templates/idle"));
    Files.writeString(idle.resolve("template.yaml"), "command: [sleep, '300']\nidleTimeout: 2s\n");
    t = new TestServices(home);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private SessionId running(String id, String template) {
    var created =
        t.service.create(
            new CreateSessionRequest(
                Optional.of(SessionId.of(id)),
                Optional.of(template),
                Optional.empty(),
                Map.of(),
                true));
    assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
    return created.session().id();
  }

  /**
   * Starts {@code sleep 30} in the session on another thread, behind a shell that writes its pid
   * outside the workspace (a delete removes the workspace); returns once it runs, with its pid.
   */
  private RunningSleep sleepIn(SessionId id) {
    return sleepIn(id, 30);
  }

  /** The same with {@code sleep seconds}. */
  private RunningSleep sleepIn(SessionId id, int seconds) {
    Path pidFile = home.resolve(id.value() + ".pid");
    var command =
        new ExecCommand(
            List.of("/bin/sh", "-c", "echo $$ > '" + pidFile + "'; exec sleep " + seconds),
            Optional.empty(),
            Map.of(),
            new byte[0],
            Optional.of(Duration.ofSeconds(60)));
    CompletableFuture<Object> call =
        CompletableFuture.supplyAsync(() -> t.service.workspace().exec(id, command));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).strip());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(ProcessHandle.of(pid)).as("sleep runs").hasValueSatisfying(h -> h.isAlive());
    return new RunningSleep(call, pid);
  }

  private record RunningSleep(CompletableFuture<Object> call, long pid) {
    /** What the exec's caller got: the error it failed with. */
    BerthException failure() throws InterruptedException {
      try {
        Object result = call.get(PROMPT.toSeconds(), TimeUnit.SECONDS);
        throw new AssertionError("the exec returned normally: " + result);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(BerthException.class);
        return (BerthException) e.getCause();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the exec is still running", e);
      }
    }

    boolean gone() {
      return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }
  }

  private static long secondsOf(Runnable work) {
    long t0 = System.nanoTime();
    work.run();
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
  }

  @Test
  void aDeleteDuringALongExecEndsItAndReturnsPromptly() throws Exception {
    SessionId id = running("del-during-exec", "app");
    RunningSleep sleep = sleepIn(id);

    long took = secondsOf(() -> assertThat(t.service.delete(id).complete()).isTrue());

    assertThat(took).as("seconds the delete took").isLessThan(PROMPT.toSeconds());
    BerthException e = sleep.failure();
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).isEqualTo("exec ended: session 'del-during-exec' is being deleted");
    assertThat(sleep.gone()).as("the sleep process was killed").isTrue();
    assertThat(t.registry.sessions().find(id).orElseThrow().status())
        .isEqualTo(SessionStatus.DELETED);
    assertThat(t.registry.events().of(id, 0, 100))
        .extracting(SessionEvent::message)
        .contains("ended 1 running exec(s): session 'del-during-exec' is being deleted");
  }

  @Test
  void aStopDuringALongExecEndsItAndTheSessionStartsAgain() throws Exception {
    SessionId id = running("stop-during-exec", "app");
    RunningSleep sleep = sleepIn(id);

    long took =
        secondsOf(() -> assertThat(t.service.stop(id).status()).isEqualTo(SessionStatus.STOPPED));

    assertThat(took).as("seconds the stop took").isLessThan(PROMPT.toSeconds());
    assertThat(sleep.failure().getMessage())
        .isEqualTo("exec ended: session 'stop-during-exec' is being stopped");
    assertThat(sleep.gone()).isTrue();
    assertThat(t.service.start(id).status()).isEqualTo(SessionStatus.RUNNING);
  }

  @Test
  void theMaxLifetimeEndsASessionWhileAnExecRuns() throws Exception {
    SessionId id = running("expires-during-exec", "short");
    RunningSleep sleep = sleepIn(id);

    // The reconciler's passes, as the server runs them: before, each skipped the busy session.
    await()
        .atMost(PROMPT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              t.reconcileAll();
              return t.service.get(id).status() != SessionStatus.RUNNING;
            });

    assertThat(t.service.get(id).status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(sleep.failure().getMessage())
        .startsWith("exec ended: session 'expires-during-exec' is being stopped: ")
        .contains("max lifetime");
    assertThat(sleep.gone()).isTrue();
  }

  /**
   * The other side of the rule (docs/operations.md): a running exec is use, so idle culling never
   * ends one, however far it runs past the idle timeout; the session is idle from the exec's end
   * (its answer is use too, so the caller has the idle timeout to look at it) and culled then. Only
   * the max lifetime (above) ends a running exec.
   */
  @Test
  void aRunningExecIsUseSoIdleCullingWaitsForItsEnd() throws Exception {
    SessionId id = running("idle-during-exec", "idle");
    RunningSleep sleep = sleepIn(id, 6);

    await()
        .during(Duration.ofSeconds(4)) // twice the idle timeout
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              t.reconcileAll();
              return t.service.get(id).status() == SessionStatus.RUNNING && !sleep.call().isDone();
            });
    assertThat(sleep.call().get(PROMPT.toSeconds(), TimeUnit.SECONDS))
        .as("the exec ran to its end")
        .isInstanceOf(ExecResult.class)
        .extracting(r -> ((ExecResult) r).exitCode())
        .isEqualTo(0);

    await()
        .atMost(PROMPT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              t.reconcileAll();
              return t.service.get(id).status() != SessionStatus.RUNNING;
            });
    assertThat(t.service.get(id).status()).isEqualTo(SessionStatus.STOPPED);
    String cull =
        t.registry.events().of(id, 0, 100).stream()
            .map(SessionEvent::message)
            .filter(m -> m.contains("idle for"))
            .findFirst()
            .orElseThrow();
    // "idle for 2 s": counted from the exec's end; from its start it would be 6 s or more
    int idleSeconds = Integer.parseInt(cull.replaceAll(".*idle for (\\d+) s.*", "$1"));
    assertThat(idleSeconds).as(cull).isLessThan(6);
    assertThat(t.registry.events().of(id, 0, 100))
        .extracting(SessionEvent::message)
        .noneSatisfy(m -> assertThat(m).contains("running exec(s)"));
  }

  @Test
  void anEndedExecIsKilledWithItsChildrenWhileTheSessionRunsOn() throws Exception {
    var template = t.service.templates().get("app");
    var fresh = RuntimeSession.fresh(SessionId.of("runtime-level"), template, Map.of());
    var prepared = fresh.withState(t.runtime.prepare(fresh));
    var s = prepared.withState(t.runtime.start(prepared).state());
    Path pids = home.resolve("runtime-level.pids");
    var cancellation = new ExecCancellation();
    var request =
        new ExecRequest(
            ExecRequest.shell(
                "sleep 1234 & echo $! >> '" + pids + "'; echo $$ >> '" + pids + "'; sleep 1235"),
            WorkspacePath.ROOT,
            Map.of(),
            new byte[0],
            Duration.ofSeconds(60),
            1 << 16,
            cancellation);
    try {
      CompletableFuture<ExecResult> call =
          CompletableFuture.supplyAsync(() -> t.runtime.workspace(s).exec(request));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);
      List<ProcessHandle> started =
          Files.readAllLines(pids).stream()
              .map(line -> ProcessHandle.of(Long.parseLong(line.strip())).orElseThrow())
              .toList();

      cancellation.cancel("a test ends it");
      ExecResult ended = call.get(PROMPT.toSeconds(), TimeUnit.SECONDS);

      assertThat(ended.timedOut()).as("ended, not timed out").isFalse();
      assertThat(ended.exitCode()).isEqualTo(-1);
      assertThat(started)
          .as("the command and its child are gone")
          .noneMatch(ProcessHandle::isAlive);
      assertThat(t.runtime.inspect(s))
          .as("the session runs on")
          .isInstanceOf(ObservedState.Running.class);
    } finally {
      t.runtime.destroy(s);
    }
  }

  @Test
  void anExecThatEndsByItselfIsNotTouched() {
    SessionId id = running("quick-exec", "app");
    var result =
        t.service
            .workspace()
            .exec(
                id,
                new ExecCommand(
                    List.of("echo", "hi"),
                    Optional.empty(),
                    Map.of(),
                    new byte[0],
                    Optional.empty()));
    assertThat(result.exitCode()).isZero();
    assertThat(t.service.delete(id).complete()).isTrue();
  }
}
