package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.template.Template;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RuntimeStatesTest {
  private static final RuntimeSession S =
      RuntimeSession.fresh(SessionId.of("s1"), Template.builtinDefault(), Map.of());

  @Test
  void aStateUpToTheUnderstoodVersionPasses() {
    RuntimeStates.requireUnderstood(S, "Docker", 1);
    RuntimeStates.requireUnderstood(S.withState(RuntimeState.of(1, Map.of())), "Docker", 1);
  }

  @Test
  void aNewerStateIsRefusedNamingTheSessionTheBackendAndBothVersions() {
    var newer = S.withState(RuntimeState.of(3, Map.of("k", "v")));
    assertThatThrownBy(() -> RuntimeStates.requireUnderstood(newer, "Docker", 1))
        .isInstanceOf(BerthException.class)
        .hasMessage(
            "session 's1' has Docker state version 3, newer than this Berth understands (1)")
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.RUNTIME_FAILURE));
  }

  @Test
  void theStartedFlagIsSetByAStartAndDroppedByAStop() {
    RuntimeState started = RuntimeStates.markStarted(RuntimeState.EMPTY);
    assertThat(RuntimeStates.started(started)).isTrue();
    assertThat(started.get(RuntimeStates.STARTED)).isEqualTo("true");
    assertThat(RuntimeStates.started(RuntimeStates.markStopped(started))).isFalse();
    assertThat(RuntimeStates.markStopped(started).values()).isEmpty();
  }

  @Test
  void nothingRunningIsExitedAfterAStartAndPreparedOtherwise() {
    var exited = new ObservedState.Exited(OptionalInt.of(3), "gone");
    RuntimeState started = RuntimeStates.markStarted(RuntimeState.EMPTY);
    assertThat(RuntimeStates.notRunning(started, () -> exited)).isSameAs(exited);
    assertThat(RuntimeStates.notRunning(true, () -> exited)).isSameAs(exited);
    assertThat(
            RuntimeStates.notRunning(
                RuntimeState.EMPTY,
                () -> {
                  throw new AssertionError("how it ended is asked only after a start");
                }))
        .isEqualTo(new ObservedState.Prepared());
    assertThat(RuntimeStates.notRunning(false, () -> exited))
        .isEqualTo(new ObservedState.Prepared());
  }
}
