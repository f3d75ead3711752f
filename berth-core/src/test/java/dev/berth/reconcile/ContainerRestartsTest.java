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
    // first seen ended: due after the policy's first backoff, nothing yet
    assertThat(r.judge(ID, TWO, pluginExited(3), T0)).isEmpty();
    assertThat(r.nextDue(ID)).contains(T0.plusSeconds(1));
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusMillis(500))).isEmpty();
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusSeconds(1)))
        .containsExactly(
            new ContainerRestarts.Verdict.Restart(
                "plugin", "container 'plugin' exited with code 3; restart 1 of 2"));
    assertThat(r.nextDue(ID)).isEmpty();
    // ended again: the backoff doubles
    assertThat(r.judge(ID, TWO, pluginExited(3), T0.plusSeconds(2))).isEmpty();
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
