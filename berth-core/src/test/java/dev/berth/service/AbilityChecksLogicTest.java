package dev.berth.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.Ability;
import dev.berth.session.ExecCommand;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service asks a runtime only for what its abilities say it can do: anything else fails with
 * {@code UNSUPPORTED}, a message naming the backend and the ability, and nothing half done.
 */
class AbilityChecksLogicTest {
  @TempDir Path home;
  private FakeServices t;

  @BeforeEach
  void setUp() {
    t = new FakeServices(home, Map.of("web", "command: [app]\nports: [8080]\n"));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static void assertUnsupported(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(BerthException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED));
  }

  @Test
  void renewingOnABackendWithoutImageBuildsFailsBeforeAnythingIsStopped() {
    t.create("a", "web");
    assertUnsupported(
        () -> t.service.restartOnNewImage(SessionId.of("a")),
        "the fake backend cannot build images or renew sessions on them (asked to renew session"
            + " 'a' on its current image)");
    assertThat(t.row("a").status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(t.runtime.calls("stop")).isZero();
  }

  @Test
  void execWithStdinOnABackendThatCannotFeedItFailsWithoutRunningAnything() {
    t.create("a", "web");
    t.runtime.without(Ability.EXEC_STDIN);
    var withStdin =
        new ExecCommand(
            List.of("cat"), Optional.empty(), Map.of(), "in".getBytes(UTF_8), Optional.empty());
    assertUnsupported(
        () -> t.service.workspace().exec(SessionId.of("a"), withStdin),
        "the fake backend cannot feed standard input to a command (asked to run a command with"
            + " standard input)");
    assertThat(t.runtime.calls("exec")).isZero();
    var withoutStdin =
        new ExecCommand(List.of("true"), Optional.empty(), Map.of(), new byte[0], Optional.empty());
    assertThat(t.service.workspace().exec(SessionId.of("a"), withoutStdin).exitCode()).isZero();
  }
}
