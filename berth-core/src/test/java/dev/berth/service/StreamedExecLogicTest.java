package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.Ability;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.ProcessStream;
import dev.berth.session.ExecCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exec whose output is streamed ({@code SessionWorkspace.exec} with an {@link ExecOutput}) is
 * the same exec: admitted only in a RUNNING session on a backend with processes, its output handed
 * over as it comes, ended by a delete like any exec, and not one of the session's processes.
 */
class StreamedExecLogicTest {
  @TempDir Path home;
  private FakeServices t;
  private final SessionId a = SessionId.of("a");

  @BeforeEach
  void setUp() {
    t = new FakeServices(home, Map.of("web", "command: [app]\nports: [8080]\n"));
    t.create("a", "web");
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static ExecCommand command(String... argv) {
    return new ExecCommand(
        List.of(argv), Optional.empty(), Map.of(), new byte[0], Optional.of(Duration.ofMinutes(1)));
  }

  private static ExecOutput into(List<String> seen) {
    return (stream, data, offset, length) ->
        seen.add(stream + ":" + new String(data, offset, length, StandardCharsets.UTF_8));
  }

  @Test
  void theOutputIsHandedOverAsItComesAndTheResultIsAnExecsResult() {
    t.runtime.onStart(
        (p, spec) -> {
          p.print(ProcessStream.STDOUT, "one\n");
          p.print(ProcessStream.STDERR, "two\n");
          p.end(4);
        });
    List<String> seen = new CopyOnWriteArrayList<>();
    ExecResult r = t.service.workspace().exec(a, "session", command("build"), into(seen));

    assertThat(seen).containsExactly("STDOUT:one\n", "STDERR:two\n");
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("one\n");
    assertThat(t.runtime.started(a).getFirst().kills).isZero();
    assertThat(t.service.processes().list(a)).as("not a listed process").isEmpty();
    assertThat(t.runtime.calls("exec")).as("not the backend's plain exec").isZero();
  }

  @Test
  void aBackendWithoutProcessesRefusesItBeforeAnythingRuns() {
    t.runtime.without(Ability.PROCESSES);
    assertThatThrownBy(
            () -> t.service.workspace().exec(a, "session", command("x"), into(List.of())))
        .isInstanceOf(BerthException.class)
        .hasMessage(
            "the fake backend cannot start processes with handles (streamed output, stdin,"
                + " signals) (asked to stream a command's output)")
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED));
    assertThat(t.runtime.calls("start-process")).isZero();
  }

  @Test
  void aDeleteEndsItAsItEndsAnyExec() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (var caller = Executors.newVirtualThreadPerTaskExecutor()) {
      var running =
          CompletableFuture.supplyAsync(
              () -> t.service.workspace().exec(a, "session", command("serve"), into(seen)), caller);
      await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
      t.service.delete(a);
      assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .hasMessage("exec ended: session 'a' is being deleted");
    }
  }
}
