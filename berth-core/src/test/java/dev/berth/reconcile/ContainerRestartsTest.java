package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.runtime.ContainerStatus;
import dev.berth.template.RestartPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The per-container restart rules, as a function of phases, the policy and the clock. */
class ContainerRestartsTest {
  private static final SessionId ID = SessionId.of("s-restarts");
  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
  private static final RestartPolicy TWO =
      new RestartPolicy(
          RestartPolicy.Mode.ON_FAILURE, 2, Duration.ofSeconds(1), Duration.ofMinutes(1));

  private static ContainerStatus c(String type, ContainerStatus.Phase phase, Integer code) {
    return new ContainerStatus(
        type,
        "bt-" + type,
        phase,
        code == null ? OptionalInt.empty() : OptionalInt.of(code),
        code == null ? phase.apiName() : "exited with code " + code,
        Map.of(),
        Map.of());
  }

  private static List<ContainerStatus> pluginExited(int code) {
    return List.of(
        c("session", ContainerStatus.Phase.RUNNING, null),
        c("processor", ContainerStatus.Phase.RUNNING, null),
        c("plugin", ContainerStatus.Phase.EXITED, code));
  }

  @Test
  void anEndedContainerIsRestartedAloneAfterTheBackoffThenTheSessionGivesUpPastTheLimit() {
    var r = new ContainerRestarts();
    // first seen ended: due after the policy's first backoff; until then it is down, named
    var down =
        new ContainerRestarts.Verdict.Down(
            "plugin",
            "container 'plugin' exited with code 3; restart 1 of 2 in 1 s (at "
                + T0.plusSeconds(1)
                + ")");
    assertThat(r.judge(ID, TWO, pluginExited(3), T0)).containsExactly(down);
    assertThat(r.nextDue(ID)).contains(T0.plusSeconds(1));
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusMillis(500)))
        .as("the same words at every pass until the restart")
        .containsExactly(down);
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusSeconds(1)))
        .containsExactly(
            new ContainerRestarts.Verdict.Restart(
                "plugin", "container 'plugin' exited with code 3; restart 1 of 2"));
    assertThat(r.nextDue(ID)).isEmpty();
    // ended again: the backoff doubles
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusSeconds(2)))
        .extracting(v -> ((ContainerRestarts.Verdict.Down) v).why())
        .containsExactly(
            "container 'plugin' exited with code 3; restart 2 of 2 in 2 s (at "
                + T0.plusSeconds(4)
                + ")");
    assertThat(r.nextDue(ID)).contains(T0.plusSeconds(4));
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusSeconds(4)))
        .extracting(v -> ((ContainerRestarts.Verdict.Restart) v).why())
        .containsExactly("container 'plugin' exited with code 3; restart 2 of 2");
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusSeconds(5)))
        .containsExactly(
            new ContainerRestarts.Verdict.GiveUp(
                "container 'plugin' exited with code 3 (gave up after 2 restarts)"));
  }

  @Test
  void aStepThatFinishedAStoppedOneAndTheMainOneAreLeftAlone() {
    var r = new ContainerRestarts();
    var finished =
        List.of(
            c("session", ContainerStatus.Phase.EXITED, 1), // the session's own reconcile judges it
            c("merger", ContainerStatus.Phase.EXITED, 0),
            c("reader", ContainerStatus.Phase.STOPPED, null),
            c("later", ContainerStatus.Phase.MISSING, null));
    assertThat(r.judge(ID, TWO, finished, T0)).isEmpty();
    assertThat(r.judge(ID, TWO, finished, T0.plusSeconds(60))).isEmpty();
    assertThat(r.nextDue(ID)).isEmpty();
    var always =
        new RestartPolicy(RestartPolicy.Mode.ALWAYS, 2, Duration.ofSeconds(1), Duration.ZERO);
    r.judge(ID, always, finished, T0);
    assertThat(r.judge(ID, always, finished, T0.plusSeconds(1)))
        .extracting(v -> ((ContainerRestarts.Verdict.Restart) v).type())
        .containsExactly("merger");
  }

  /** A container that was made and started and is gone without Berth (docker rm -f). */
  private static ContainerStatus lost(String type) {
    return new ContainerStatus(
        type,
        "bt-" + type,
        ContainerStatus.Phase.MISSING,
        OptionalInt.empty(),
        "was removed while its session ran (not by Berth)",
        Map.of(),
        Map.of(),
        true);
  }

  private static List<ContainerStatus> pluginLost() {
    return List.of(
        c("session", ContainerStatus.Phase.RUNNING, null),
        c("processor", ContainerStatus.Phase.RUNNING, null),
        lost("plugin"));
  }

  @Test
  void aLostContainerIsMadeAgainAloneAfterTheBackoffThenTheSessionGivesUpPastTheLimit() {
    var r = new ContainerRestarts();
    String gone = "container 'plugin' was removed while its session ran (not by Berth)";
    assertThat(r.judge(ID, TWO, pluginLost(), T0))
        .containsExactly(
            new ContainerRestarts.Verdict.Down(
                "plugin", gone + "; restart 1 of 2 in 1 s (at " + T0.plusSeconds(1) + ")"));
    assertThat(r.nextDue(ID)).contains(T0.plusSeconds(1));
    assertThat(r.judge(ID, TWO, pluginLost(), T0.plusSeconds(1)))
        .containsExactly(
            new ContainerRestarts.Verdict.Restart("plugin", gone + "; restart 1 of 2"));
    // made again, running: nothing to say
    var back =
        List.of(
            c("session", ContainerStatus.Phase.RUNNING, null),
            c("plugin", ContainerStatus.Phase.RUNNING, null));
    assertThat(r.judge(ID, TWO, back, T0.plusSeconds(2))).isEmpty();
    // removed again: the same count and backoff as for one that ended, then the limit
    r.judge(ID, TWO, pluginLost(), T0.plusSeconds(3));
    assertThat(r.judge(ID, TWO, pluginLost(), T0.plusSeconds(5)))
        .extracting(v -> ((ContainerRestarts.Verdict.Restart) v).why())
        .containsExactly(gone + "; restart 2 of 2");
    assertThat(r.judge(ID, TWO, pluginLost(), T0.plusSeconds(6)))
        .containsExactly(
            new ContainerRestarts.Verdict.GiveUp(gone + " (gave up after 2 restarts)"));
  }

  @Test
  void aMissingContainerThatIsNotLostIsLeftAloneAndNeverIsDownForGood() {
    var r = new ContainerRestarts();
    // a manual one never started, or one stopped on request and then removed: not lost
    var notLost =
        List.of(
            c("session", ContainerStatus.Phase.RUNNING, null),
            c("inspector", ContainerStatus.Phase.MISSING, null));
    assertThat(r.judge(ID, TWO, notLost, T0)).isEmpty();
    assertThat(r.judge(ID, TWO, notLost, T0.plusSeconds(60))).isEmpty();
    assertThat(r.nextDue(ID)).isEmpty();
    // the lost flag means nothing beside another phase
    assertThat(
            new ContainerStatus(
                    "x",
                    "bt-x",
                    ContainerStatus.Phase.STOPPED,
                    OptionalInt.empty(),
                    "stopped",
                    Map.of(),
                    Map.of(),
                    true)
                .lost())
        .isFalse();
    var never = new RestartPolicy(RestartPolicy.Mode.NEVER, 5, Duration.ZERO, Duration.ZERO);
    for (Instant at : List.of(T0, T0.plusSeconds(60))) {
      assertThat(r.judge(ID, never, pluginLost(), at))
          .as("not restarted, and the session's reason says so")
          .containsExactly(
              new ContainerRestarts.Verdict.Down(
                  "plugin",
                  "container 'plugin' was removed while its session ran (not by Berth)"
                      + " (restart policy never: not restarted)"));
      assertThat(r.judge(ID, never, pluginExited(0), at))
          .as("a step that finished is not down")
          .isEmpty();
    }
    assertThat(r.nextDue(ID)).isEmpty();
  }

  @Test
  void aContainerThatRanLongEnoughStartsANewCountAndForgetStartsOver() {
    var r = new ContainerRestarts();
    r.judge(ID, TWO, pluginExited(1), T0);
    r.judge(ID, TWO, pluginExited(1), T0.plusSeconds(1)); // restart 1
    var running =
        List.of(
            c("session", ContainerStatus.Phase.RUNNING, null),
            c("plugin", ContainerStatus.Phase.RUNNING, null));
    r.judge(ID, TWO, running, T0.plusSeconds(2).plus(RestartPolicy.RESET_AFTER));
    r.judge(ID, TWO, pluginExited(1), T0.plus(Duration.ofHours(1)));
    assertThat(r.judge(ID, TWO, pluginExited(1), T0.plus(Duration.ofHours(1)).plusSeconds(1)))
        .extracting(v -> ((ContainerRestarts.Verdict.Restart) v).why())
        .containsExactly("container 'plugin' exited with code 1; restart 1 of 2");
    r.forget(ID);
    assertThat(r.nextDue(ID)).isEmpty();
    var never = new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 0, Duration.ZERO, Duration.ZERO);
    assertThat(r.judge(ID, never, pluginExited(1), T0))
        .containsExactly(
            new ContainerRestarts.Verdict.GiveUp(
                "container 'plugin' exited with code 1 (restart limit 0: not restarted)"));
  }
}
