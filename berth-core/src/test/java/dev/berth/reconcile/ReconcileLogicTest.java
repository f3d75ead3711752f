package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.fake.FakeRuntime.Behaviour;
import dev.berth.service.FakeServices;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler's decisions carried out on the fake runtime, one pass at a time, with time passing
 * on a manual clock: restarts with backoff, the restart limit, idle culling that activity
 * postpones, and lifetimes. No loop, no sleep, no race with a timer.
 */
class ReconcileLogicTest {
  private static final SessionId APP = SessionId.of("app");
  @TempDir Path home;
  private FakeServices t;

  @BeforeEach
  void setUp() {
    t =
        new FakeServices(
            home,
            Map.of(
                "crashy",
                "command: [app]\nrestart: {backoff: 10s, maxBackoff: 15s, limit: 2}\n",
                "idle",
                "command: [app]\nidleTimeout: 10m\n",
                "short",
                "command: [app]\nmaxLifetime: 1h\ncullAction: delete\n",
                "slowstart",
                "command: [app]\nprobe: {exec: [ready], startTimeout: 30s}\n"));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private Session pass() {
    t.reconciler.reconcile(APP);
    return t.row("app");
  }

  @Test
  void aCrashedAppIsRestartedAfterItsBackoffUntilTheLimitThenStaysFailed() {
    t.create("app", "crashy");
    t.runtime.crash(APP, 1);

    Session failed = pass();
    assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(failed.lifecycle().nextRestartAt()).contains(t.clock.instant().plusSeconds(10));

    t.clock.advance(Duration.ofSeconds(9));
    assertThat(pass().status()).as("not before its backoff").isEqualTo(SessionStatus.FAILED);
    assertThat(t.runtime.calls("start")).isEqualTo(1);

    t.clock.advance(Duration.ofSeconds(1));
    assertThat(pass().status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(t.runtime.calls("start")).isEqualTo(2);

    t.runtime.crash(APP, 1);
    Session second = pass();
    assertThat(second.lifecycle().nextRestartAt())
        .as("the backoff doubles, up to maxBackoff")
        .contains(t.clock.instant().plusSeconds(15));
    t.clock.advance(Duration.ofSeconds(15));
    assertThat(pass().status()).isEqualTo(SessionStatus.RUNNING);

    t.runtime.crash(APP, 1);
    Session gaveUp = pass();
    t.clock.advance(Duration.ofMinutes(5));
    pass();
    assertThat(t.runtime.calls("start")).as("two restarts, then no more").isEqualTo(3);
    assertThat(gaveUp.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(gaveUp.lifecycle().nextRestartAt()).isEmpty();
    assertThat(gaveUp.statusReason()).contains("gave up");
  }

  @Test
  void anAppThatQuitsOnItsOwnIsStoppedButOneEndedFromOutsideWithCodeZeroIsRestarted() {
    t.create("app", "crashy");
    t.runtime.endFromOutside(APP, 0); // e.g. a server's exit 0 on an engine restart's SIGTERM

    Session recovering = pass();
    assertThat(recovering.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(recovering.lifecycle().nextRestartAt())
        .as("on-failure restarts it after its backoff: it did not quit")
        .contains(t.clock.instant().plusSeconds(10));
    t.clock.advance(Duration.ofSeconds(10));
    assertThat(pass().status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(t.runtime.calls("start")).isEqualTo(2);

    t.runtime.crash(APP, 0); // the app itself quits
    Session quit = pass();
    assertThat(quit.status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(quit.lifecycle().desired()).isEqualTo(DesiredState.STOPPED);
    assertThat(quit.statusReason()).contains("exited on its own with code 0", "session start app");
    t.clock.advance(Duration.ofMinutes(5));
    assertThat(pass().status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(t.runtime.calls("start")).as("a quit app is not restarted").isEqualTo(2);
  }

  @Test
  void anIdleSessionIsStoppedAfterItsTimeoutAndUseMovesTheTimeoutOn() {
    t.create("app", "idle");

    t.clock.advance(Duration.ofMinutes(9));
    assertThat(pass().status()).isEqualTo(SessionStatus.RUNNING);
    t.service.recordActivity(APP, "api");

    t.clock.advance(Duration.ofMinutes(9));
    assertThat(pass().status()).as("used 9 minutes ago").isEqualTo(SessionStatus.RUNNING);

    t.clock.advance(Duration.ofMinutes(2));
    Session culled = pass();
    assertThat(culled.status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(culled.statusReason()).contains("idle");
    assertThat(t.runtime.hasWorkspace(APP)).as("a stop keeps the workspace").isTrue();
    assertThat(t.runtime.isRunning(APP)).isFalse();
  }

  @Test
  void aSessionStartedAgainAfterItWasCulledGetsAWholeIdleWindow() {
    t.create("app", "idle");
    t.clock.advance(Duration.ofMinutes(11));
    assertThat(pass().status()).isEqualTo(SessionStatus.STOPPED);

    t.clock.advance(Duration.ofDays(1));
    assertThat(t.service.start(APP).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(pass().status())
        .as("a start is use: the user who started it is not culled a moment later")
        .isEqualTo(SessionStatus.RUNNING);
    assertThat(t.service.lastActivity(t.row("app")).via()).isEqualTo("start");

    t.clock.advance(Duration.ofMinutes(10));
    assertThat(pass().status()).isEqualTo(SessionStatus.STOPPED);
  }

  @Test
  void aSessionPastItsLifetimeIsDeletedWhenItsCullActionSaysDelete() {
    t.create("app", "short");

    t.clock.advance(Duration.ofMinutes(59));
    assertThat(pass().status()).isEqualTo(SessionStatus.RUNNING);

    t.clock.advance(Duration.ofMinutes(2));
    assertThat(pass().status()).isEqualTo(SessionStatus.DELETED);
    assertThat(t.runtime.hasWorkspace(APP)).isFalse();
  }

  @Test
  void aStopThatKeepsFailingIsReportedOnceNotAtEveryPass() {
    t.runtime.behave(APP, Behaviour.NEVER_READY);
    t.runtime.failNext("stop", new BerthException(ErrorCode.RUNTIME_FAILURE, "engine says no"));
    assertThat(t.create("app", "slowstart").status()).isEqualTo(SessionStatus.FAILED);
    assertThat(t.runtime.isRunning(APP)).as("its stop failed").isTrue();

    for (int i = 0; i < 4; i++) {
      t.clock.advance(Duration.ofSeconds(10));
      t.runtime.failNext("stop", new BerthException(ErrorCode.RUNTIME_FAILURE, "engine says no"));
      assertThat(pass().status()).isEqualTo(SessionStatus.FAILED);
    }
    assertThat(t.runtime.calls("stop")).as("tried at every pass").isEqualTo(5);
    assertThat(stopErrors()).as("error events of the stop").hasSize(1);
    assertThat(stopErrors().getFirst().message()).contains("engine says no");
    assertThat(events("log")).as("the app's last lines, recorded once").hasSize(1);

    // A different failure is news: said once more.
    t.runtime.failNext("stop", new BerthException(ErrorCode.RUNTIME_FAILURE, "engine gone"));
    pass();
    assertThat(stopErrors()).hasSize(2);
    assertThat(stopErrors().getLast().message()).contains("engine gone");

    // Then the stop works, and the trail says so.
    pass();
    assertThat(t.runtime.isRunning(APP)).isFalse();
    assertThat(events("stop")).hasSize(1);
  }

  private List<SessionEvent> stopErrors() {
    return events("error").stream()
        .filter(e -> e.message().startsWith("could not stop what it started"))
        .toList();
  }

  private List<SessionEvent> events(String type) {
    return t.registry.events().of(APP, 0, 1000).stream()
        .filter(e -> e.type().equals(type))
        .toList();
  }
}
