package dev.berth.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.Ability;
import dev.berth.runtime.TtySize;
import dev.berth.service.processes.LiveProcess;
import dev.berth.session.ProcessCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes started with handles through the service, on the fake runtime: they start only in a
 * RUNNING session on a backend that can, are found again by id, and a stop or delete ends them with
 * the reason their clients see.
 */
class ProcessesLogicTest {
  @TempDir Path home;
  private FakeServices t;
  private final SessionId a = SessionId.of("a");

  @BeforeEach
  void setUp() {
    t = new FakeServices(home, Map.of("web", "command: [app]\n"));
    t.create("a", "web");
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static ProcessCommand command(String... argv) {
    return new ProcessCommand(
        List.of(argv), Optional.empty(), Map.of(), Optional.empty(), new byte[0], true, true, "");
  }

  private static ErrorCode codeOf(Throwable e) {
    return ((BerthException) e).code();
  }

  @Test
  void aStartedProcessIsFoundAgainByIdWithItsOutput() throws Exception {
    LiveProcess p = t.service.processes().start(a, command("server", "--port", "8080"));

    assertThat(p.id()).isEqualTo("p1");
    assertThat(t.service.processes().get(a, "p1")).isSameAs(p);
    assertThat(t.service.processes().list(a)).containsExactly(p);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> p.output().offset() == "server --port 8080\n".length());
    var read = p.output().read(0, 100, Duration.ZERO);
    assertThat(new String(read.chunks().getFirst().data(), UTF_8))
        .isEqualTo("server --port 8080\n");
    assertThat(p.running()).isTrue();
  }

  @Test
  void stoppingTheSessionEndsItsProcessesAndSaysWhy() {
    LiveProcess p = t.service.processes().start(a, command("server"));

    t.service.stop(a);

    assertThat(p.running()).isFalse();
    assertThat(p.endedBy()).hasValueSatisfying(why -> assertThat(why).contains("'a'"));
    assertThat(t.service.events(a, 0, 100))
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo("process");
              assertThat(e.message()).contains("ended 1 running process(es)");
            });
    assertThatThrownBy(() -> t.service.processes().start(a, command("again")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining("starting a process needs a RUNNING session");
    assertThat(t.service.processes().get(a, "p1").exitCode()).hasValue(-1);
  }

  @Test
  void deletingTheSessionEndsItsProcesses() {
    LiveProcess p = t.service.processes().start(a, command("server"));
    t.service.delete(a);
    assertThat(p.running()).isFalse();
    assertThat(p.endedBy()).isPresent();
  }

  @Test
  void mistakesAreRefusedBeforeAnythingStarts() {
    var both =
        new ProcessCommand(
            List.of("cat"),
            Optional.empty(),
            Map.of(),
            Optional.empty(),
            "x".getBytes(UTF_8),
            true,
            false,
            "");
    assertThatThrownBy(() -> t.service.processes().start(a, both))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("stdin and openStdin together");
    assertThatThrownBy(() -> t.service.processes().start(a, command("")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.BAD_REQUEST));
    var elsewhere =
        new ProcessCommand(
            List.of("x"),
            Optional.empty(),
            Map.of(),
            Optional.empty(),
            new byte[0],
            false,
            false,
            "plugin");
    assertThatThrownBy(() -> t.service.processes().start(a, elsewhere))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> t.service.processes().get(a, "p9"))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("session 'a' has no process 'p9'");
    assertThatThrownBy(() -> t.service.processes().list(SessionId.of("nobody")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(t.runtime.started(a)).isEmpty();
  }

  @Test
  void aBackendWithoutProcessHandlesOrTerminalsIsNamedInTheRefusal() {
    t.runtime.without(Ability.TTY);
    var terminal =
        new ProcessCommand(
            List.of("sh"),
            Optional.empty(),
            Map.of(),
            Optional.of(new TtySize(80, 24)),
            new byte[0],
            true,
            false,
            "");
    assertThatThrownBy(() -> t.service.processes().start(a, terminal))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.UNSUPPORTED))
        .hasMessageContaining("fake");

    t.runtime.without(Ability.PROCESSES);
    assertThatThrownBy(() -> t.service.processes().start(a, command("server")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.UNSUPPORTED))
        .hasMessageContaining("fake");
    assertThat(t.runtime.started(a)).isEmpty();
  }
}
