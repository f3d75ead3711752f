package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.TestTemplates;
import dev.berth.session.CullSettings;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionActivity;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionObservation;
import dev.berth.session.SessionSpec;
import dev.berth.session.SessionStatus;
import dev.berth.template.CullAction;
import dev.berth.template.RestartPolicy;
import dev.berth.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The reconciler's rules, one by one, as a pure function: what it decides for which state. */
class DecideTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final ObservedState RUNNING = ObservedState.Running.direct(Map.of());

  private static Template template(RestartPolicy restart, Duration idle, Duration max) {
    return TestTemplates.plain("t").toBuilder()
        .idleTimeout(idle)
        .maxLifetime(max)
        .restart(restart)
        .build();
  }

  private static final Template PLAIN =
      template(RestartPolicy.DEFAULT, Duration.ZERO, Duration.ZERO);

  private static Session session(SessionStatus status, SessionLifecycle life) {
    return new Session(
        SessionSpec.of(SessionId.of("s1"), "t", "docker", Map.of(), CullSettings.NONE, T0),
        new SessionObservation(status, "", RuntimeState.EMPTY, Map.of(), T0),
        SessionActivity.none(T0),
        life);
  }

  private static Session running() {
    return session(SessionStatus.RUNNING, SessionLifecycle.RUNNING);
  }

  private static SessionActivity active(Instant at) {
    return new SessionActivity(at, "api");
  }

  private static Step decide(Session s, Template t, ObservedState o, Instant now) {
    return Decide.decide(s, t, o, Optional.empty(), active(T0), now);
  }

  @Test
  void aRunningSessionThatRunsIsLeftAlone() {
    assertThat(decide(running(), PLAIN, RUNNING, T0.plusSeconds(60))).isEqualTo(new Step.Nothing());
  }

  @Test
  void nothingIsDoneOnWhatCannotBeSeen() {
    var unknown = new ObservedState.Unknown("engine down");
    assertThat(decide(running(), PLAIN, unknown, T0)).isEqualTo(new Step.Nothing());
    Session deleting =
        session(SessionStatus.RUNNING, SessionLifecycle.wanting(DesiredState.DELETED));
    assertThat(decide(deleting, PLAIN, unknown, T0)).isEqualTo(new Step.Nothing());
  }

  @Test
  void aCrashIsRestartedWithExponentialBackoffUpToTheLimitThenFailedForGood() {
    var policy =
        new RestartPolicy(
            RestartPolicy.Mode.ON_FAILURE, 3, Duration.ofSeconds(2), Duration.ofSeconds(5));
    Template t = template(policy, Duration.ZERO, Duration.ZERO);
    var died = new ObservedState.Exited(OptionalInt.of(137), "container exited");

    assertThat(decide(running(), t, died, T0))
        .isEqualTo(
            new Step.Fail(
                "the app exited with code 137: container exited; restart 1 of 3 in 2 s",
                Optional.of(T0.plusSeconds(2))));
    Session once =
        session(
            SessionStatus.RUNNING, new SessionLifecycle(DesiredState.RUNNING, 1, Optional.empty()));
    assertThat(decide(once, t, died, T0))
        .isEqualTo(
            new Step.Fail(
                "the app exited with code 137: container exited; restart 2 of 3 in 4 s",
                Optional.of(T0.plusSeconds(4))));
    Session twice =
        session(
            SessionStatus.RUNNING, new SessionLifecycle(DesiredState.RUNNING, 2, Optional.empty()));
    assertThat(decide(twice, t, died, T0))
        .as("capped at maxBackoff")
        .isEqualTo(
            new Step.Fail(
                "the app exited with code 137: container exited; restart 3 of 3 in 5 s",
                Optional.of(T0.plusSeconds(5))));
    Session thrice =
        session(
            SessionStatus.RUNNING, new SessionLifecycle(DesiredState.RUNNING, 3, Optional.empty()));
    assertThat(decide(thrice, t, died, T0))
        .isEqualTo(
            new Step.Fail(
                "the app exited with code 137: container exited (gave up after 3 restarts)",
                Optional.empty()));
  }

  @Test
  void aScheduledRestartHappensWhenDueAndNotBefore() {
    Session waiting =
        session(
            SessionStatus.FAILED,
            new SessionLifecycle(DesiredState.RUNNING, 1, Optional.of(T0.plusSeconds(4))));
    var exited = new ObservedState.Exited(OptionalInt.of(1), "x");
    assertThat(decide(waiting, PLAIN, exited, T0.plusSeconds(3))).isEqualTo(new Step.Nothing());
    assertThat(decide(waiting, PLAIN, exited, T0.plusSeconds(4))).isInstanceOf(Step.Restart.class);
    Session givenUp = session(SessionStatus.FAILED, SessionLifecycle.RUNNING);
    assertThat(decide(givenUp, PLAIN, exited, T0.plusSeconds(400)))
        .as("a FAILED session with no restart pending stays FAILED")
        .isEqualTo(new Step.Nothing());
  }

  @Test
  void restartPoliciesDecideWhetherAnExitIsRestarted() {
    var clean = new ObservedState.Exited(OptionalInt.of(0), "done", true);
    assertThat(decide(running(), PLAIN, clean, T0))
        .as("an app quit on purpose is STOPPED with how to start it again, not FAILED")
        .isEqualTo(
            new Step.Quit(
                "the app exited on its own with code 0 (it was quit, not crashed; nothing runs"
                    + " now); start it again with `berth session start s1` or POST"
                    + " /api/v1/sessions/s1/start"));
    var always =
        template(
            new RestartPolicy(
                RestartPolicy.Mode.ALWAYS, 5, Duration.ofSeconds(1), Duration.ofMinutes(1)),
            Duration.ZERO,
            Duration.ZERO);
    assertThat(((Step.Fail) decide(running(), always, clean, T0)).restartAt()).isPresent();
    var never =
        template(
            new RestartPolicy(
                RestartPolicy.Mode.NEVER, 5, Duration.ofSeconds(1), Duration.ofMinutes(1)),
            Duration.ZERO,
            Duration.ZERO);
    var killed = new ObservedState.Exited(OptionalInt.of(137), "killed");
    assertThat(((Step.Fail) decide(running(), never, killed, T0)).restartAt()).isEmpty();
    assertThat(decide(running(), never, clean, T0)).isInstanceOf(Step.Quit.class);
  }

  @Test
  void anExitWithCodeZeroThatTheRuntimeCannotAttributeToTheAppIsRecoveredNotAQuit() {
    // A server that answers an engine restart's SIGTERM with exit 0: not quit, recovered.
    var signalled =
        new ObservedState.Exited(OptionalInt.of(0), "container exited after signal 15", false);
    Step step = decide(running(), PLAIN, signalled, T0);
    assertThat(step).isInstanceOf(Step.Fail.class);
    assertThat(((Step.Fail) step).restartAt())
        .as("on-failure restarts it, as an app the signal killed (exit 143)")
        .contains(T0.plusSeconds(1));
    assertThat(((Step.Fail) step).reason())
        .isEqualTo(
            "the app exited with code 0: container exited after signal 15; restart 1 of 5 in 1 s");
    var never =
        template(
            new RestartPolicy(
                RestartPolicy.Mode.NEVER, 5, Duration.ofSeconds(1), Duration.ofMinutes(1)),
            Duration.ZERO,
            Duration.ZERO);
    Step notRestarted = decide(running(), never, signalled, T0);
    assertThat(notRestarted)
        .as("under restart: never it is FAILED, not STOPPED as quit")
        .isEqualTo(
            new Step.Fail(
                "the app exited with code 0: container exited after signal 15 (restart policy"
                    + " never: not restarted)",
                Optional.empty()));
  }

  @Test
  void aFailedSessionThatStillRunsHasWhatRunsStoppedAndStaysFailed() {
    Session failed = session(SessionStatus.FAILED, SessionLifecycle.RUNNING);
    assertThat(decide(failed, PLAIN, RUNNING, T0)).isEqualTo(new Step.StopLeftovers());
    assertThat(decide(failed, PLAIN, new ObservedState.Pending("starting"), T0))
        .isEqualTo(new Step.StopLeftovers());
    assertThat(decide(failed, PLAIN, new ObservedState.Prepared(), T0))
        .isEqualTo(new Step.Nothing());
    assertThat(decide(failed, PLAIN, new ObservedState.Exited(OptionalInt.of(1), "x"), T0))
        .isEqualTo(new Step.Nothing());
  }

  @Test
  void aLostContainerIsRestartedButALostWorkspaceIsNeverRecreated() {
    var gone = new ObservedState.Exited(OptionalInt.empty(), "container x is gone");
    assertThat(((Step.Fail) decide(running(), PLAIN, gone, T0)).restartAt()).isPresent();

    var missing = new ObservedState.Missing("no volume v");
    Step step = decide(running(), PLAIN, missing, T0);
    assertThat(step).isInstanceOf(Step.Fail.class);
    assertThat(((Step.Fail) step).reason()).contains("workspace is gone", "no volume v");
    assertThat(((Step.Fail) step).restartAt()).isEmpty();
    Session stopped =
        session(SessionStatus.STOPPED, SessionLifecycle.wanting(DesiredState.STOPPED));
    assertThat(decide(stopped, PLAIN, missing, T0)).isInstanceOf(Step.Fail.class);
  }

  @Test
  void anUnhealthySessionIsTreatedLikeACrash() {
    Step step =
        Decide.decide(running(), PLAIN, RUNNING, Optional.of("3 times in a row"), active(T0), T0);
    assertThat(((Step.Fail) step).reason()).startsWith("its health probe failed: 3 times");
    assertThat(((Step.Fail) step).restartAt()).isPresent();
  }

  @Test
  void idleSessionsAreCulledAndActiveOnesAreNot() {
    Template t = template(RestartPolicy.DEFAULT, Duration.ofMinutes(30), Duration.ZERO);
    Instant now = T0.plus(Duration.ofMinutes(45));
    assertThat(
            Decide.decide(
                running(), t, RUNNING, Optional.empty(), active(now.minusSeconds(60)), now))
        .isEqualTo(new Step.Nothing());
    assertThat(
            Decide.decide(
                running(), t, RUNNING, Optional.empty(), active(now.minusSeconds(1800)), now))
        .isEqualTo(new Step.Cull(CullAction.STOP, "idle", "idle for 30 min (idle timeout 30 min)"));
    Session ownTimeout =
        running()
            .withCulling(
                new CullSettings(Optional.of(Duration.ZERO), Optional.empty(), Optional.empty()));
    assertThat(
            Decide.decide(
                ownTimeout, t, RUNNING, Optional.empty(), active(now.minusSeconds(9999)), now))
        .as("a session's own idle timeout of 0 wins over its template's")
        .isEqualTo(new Step.Nothing());
  }

  @Test
  void aSessionPastItsMaxLifetimeIsCulledEvenWhenActive() {
    Template t = template(RestartPolicy.DEFAULT, Duration.ZERO, Duration.ofHours(8));
    Session s =
        running()
            .withCulling(
                new CullSettings(
                    Optional.empty(), Optional.empty(), Optional.of(CullAction.DELETE)));
    Instant now = T0.plus(Duration.ofHours(8));
    assertThat(Decide.decide(s, t, RUNNING, Optional.empty(), active(now), now))
        .isEqualTo(new Step.Cull(CullAction.DELETE, "lifetime", "reached its max lifetime of 8 h"));
    Session stopped =
        session(SessionStatus.STOPPED, SessionLifecycle.wanting(DesiredState.STOPPED));
    assertThat(decide(stopped, t, new ObservedState.Prepared(), now))
        .as("a stop-cull leaves a stopped session alone")
        .isEqualTo(new Step.Nothing());
  }

  @Test
  void operationsAManagerCrashInterruptedAreFinished() {
    assertThat(decide(session(SessionStatus.PENDING, SessionLifecycle.RUNNING), PLAIN, RUNNING, T0))
        .isEqualTo(new Step.ResumeCreate());
    assertThat(
            decide(
                session(SessionStatus.STOPPING, SessionLifecycle.wanting(DesiredState.STOPPED)),
                PLAIN,
                RUNNING,
                T0))
        .isInstanceOf(Step.Stop.class);
    assertThat(
            decide(session(SessionStatus.STARTING, SessionLifecycle.RUNNING), PLAIN, RUNNING, T0))
        .isInstanceOf(Step.Restart.class);
    assertThat(
            decide(
                session(SessionStatus.RUNNING, SessionLifecycle.wanting(DesiredState.DELETED)),
                PLAIN,
                RUNNING,
                T0))
        .isInstanceOf(Step.Delete.class);
    Session retryLater =
        session(
            SessionStatus.FAILED,
            new SessionLifecycle(DesiredState.DELETED, 1, Optional.of(T0.plusSeconds(30))));
    assertThat(decide(retryLater, PLAIN, RUNNING, T0.plusSeconds(10)))
        .as("an incomplete delete is retried after its backoff")
        .isEqualTo(new Step.Nothing());
  }

  @Test
  void aSessionThatRanHealthyLongEnoughStartsANewRestartCount() {
    Session s =
        session(
            SessionStatus.RUNNING, new SessionLifecycle(DesiredState.RUNNING, 2, Optional.empty()));
    assertThat(decide(s, PLAIN, RUNNING, T0.plus(RestartPolicy.RESET_AFTER)))
        .isEqualTo(new Step.ResetRestarts());
    assertThat(decide(s, PLAIN, RUNNING, T0.plusSeconds(60))).isEqualTo(new Step.Nothing());
  }

  @Test
  void lifeExplainsWhyASessionIsAliveAndWhenItWillBeCulled() {
    Template t = template(RestartPolicy.DEFAULT, Duration.ofMinutes(30), Duration.ZERO);
    Instant now = T0.plus(Duration.ofMinutes(10));
    var life =
        SessionLife.of(running(), t, new SessionActivity(now.minusSeconds(120), "proxy"), now);
    assertThat(life.explanation())
        .isEqualTo(
            "active 2 min ago via proxy; stopped if idle for 30 min (at "
                + now.plusSeconds(28 * 60)
                + ", in 28 min, unless used); no max lifetime");
    assertThat(life.idleCullAt()).hasValue(now.plusSeconds(28 * 60));
    var fresh = SessionLife.of(running(), PLAIN, new SessionActivity(T0, ""), now);
    assertThat(fresh.explanation())
        .isEqualTo("not used since it was created 10 min ago; no idle timeout; no max lifetime");
  }

  @Test
  void lifeSaysFirstWhichContainerARunningSessionLacks() {
    String why = "container 'plugin' exited with code 137; restart 1 of 5 in 1 s (at ...)";
    Session degraded = running().withReason(why, T0);
    var life = SessionLife.of(degraded, PLAIN, new SessionActivity(T0, ""), T0);
    assertThat(life.explanation())
        .isEqualTo(
            "running, but "
                + why
                + "; not used since it was created just now; no idle timeout; no max lifetime");
    assertThat(decide(degraded, PLAIN, RUNNING, T0.plusSeconds(1)))
        .as("the reason is the containers' business: the session itself goes on")
        .isEqualTo(new Step.Nothing());
  }

  @Test
  void durationsReadLikeWords() {
    assertThat(Durations.words(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(Durations.words(Duration.ofSeconds(125))).isEqualTo("2 min 5 s");
    assertThat(Durations.words(Duration.ofMinutes(65))).isEqualTo("1 h 5 min");
    assertThat(Durations.words(Duration.ofHours(76))).isEqualTo("3 d 4 h");
  }
}
