package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.PreflightProblem;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend that cannot give a template's sandbox refuses its sessions before anything changes: a
 * create makes nothing, and a start of an existing session leaves it as it was (not FAILED by an
 * engine error), both with the backend's words on how to add the runtime.
 */
class SandboxStartLogicTest {
  @TempDir Path home;
  private FakeServices t;
  private static final PreflightProblem.SandboxUnavailable NO_RUNSC =
      new PreflightProblem.SandboxUnavailable(
          "gvisor", "the engine has no runtime 'runsc': add it to daemon.json");

  @BeforeEach
  void setUp() {
    t = new FakeServices(home, Map.of("boxed", "sandbox: gvisor\ncommand: [sleep, '600']\n"));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void aCreateIsRefusedWithTheBackendsWordsAndMakesNothing() {
    t.runtime.preflightFinds(NO_RUNSC);
    assertThatThrownBy(() -> t.create("boxed1", "boxed"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("nothing was made")
        .hasMessageContaining("no runtime 'runsc'")
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(t.registry.sessions().find(SessionId.of("boxed1"))).isEmpty();
    assertThat(t.runtime.calls("prepare")).isZero();
  }

  @Test
  void aStartIsRefusedAndLeavesTheSessionStopped() {
    t.create("boxed2", "boxed");
    t.service.stop(SessionId.of("boxed2"));
    int starts = t.runtime.calls("start");

    t.runtime.preflightFinds(NO_RUNSC);
    assertThatThrownBy(() -> t.service.start(SessionId.of("boxed2")))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("cannot start session 'boxed2'")
        .hasMessageContaining("nothing was changed")
        .hasMessageContaining("no runtime 'runsc'")
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(t.registry.sessions().find(SessionId.of("boxed2")).orElseThrow().status())
        .isEqualTo(SessionStatus.STOPPED);
    assertThat(t.runtime.calls("start")).as("the runtime was not asked to start").isEqualTo(starts);

    t.runtime.preflightFinds(
        new PreflightProblem.Unmet("image x is not on the engine (a create's problem)"));
    assertThat(t.service.start(SessionId.of("boxed2")).status())
        .as("other problems are a create's: a start goes ahead")
        .isEqualTo(SessionStatus.RUNNING);
  }
}
