package dev.berth.session;

import static dev.berth.session.SessionStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SessionStatusTest {
  @Test
  void theHappyPathIsAllowed() {
    assertThat(PENDING.canMoveTo(STARTING)).isTrue();
    assertThat(STARTING.canMoveTo(RUNNING)).isTrue();
    assertThat(RUNNING.canMoveTo(STOPPING)).isTrue();
    assertThat(STOPPING.canMoveTo(STOPPED)).isTrue();
    assertThat(STOPPED.canMoveTo(STARTING)).isTrue();
    assertThat(PENDING.canMoveTo(STOPPED)).as("warm without start").isTrue();
  }

  @Test
  void everyLiveStatusCanFailAndBeDeleted() {
    for (SessionStatus s : EnumSet.complementOf(EnumSet.of(DELETED))) {
      assertThat(s.canMoveTo(DELETED)).as(s + " -> DELETED").isTrue();
      assertThat(s.canMoveTo(FAILED)).as(s + " -> FAILED").isTrue();
    }
  }

  @Test
  void illegalMovesAreRefusedWithAConflictNamingBothStates() {
    assertThatThrownBy(() -> STOPPED.checkTransition(RUNNING))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("STOPPED")
        .hasMessageContaining("RUNNING")
        .extracting(e -> ((BerthException) e).code())
        .isEqualTo(ErrorCode.CONFLICT);
    assertThat(RUNNING.canMoveTo(PENDING)).isFalse();
    assertThat(RUNNING.canMoveTo(STARTING)).isFalse();
    assertThat(PENDING.canMoveTo(RUNNING)).isFalse();
  }

  @Test
  void deletedIsFinal() {
    assertThat(DELETED.allowedNext()).isEmpty();
    assertThatThrownBy(() -> DELETED.checkTransition(STARTING)).hasMessageContaining("final");
    assertThat(DELETED.isLive()).isFalse();
  }
}
