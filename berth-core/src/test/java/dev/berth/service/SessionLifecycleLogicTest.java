package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.runtime.fake.FakeRuntime.Behaviour;
import dev.berth.session.CreatedSession;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's lifecycle rules on the fake runtime and a manual clock: what a create, start, stop
 * and delete record and answer when the app is ready, never ready, crashes, or a step fails.
 * Nothing here sleeps: timeouts pass on the manual clock.
 */
class SessionLifecycleLogicTest {
  @TempDir Path home;
  private FakeServices t;

  @BeforeEach
  void setUp() {
    t =
        new FakeServices(
            home,
            Map.of(
                "web", "command: [app]\nports: [8080]\n",
                "slowstart", "command: [app]\nprobe: {exec: [ready], startTimeout: 30s}\n"));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private List<String> statuses(String id) {
    return t.service.events(SessionId.of(id), 0, 100).stream()
        .filter(e -> e.type().equals("status"))
        .map(SessionEvent::message)
        .toList();
  }

  @Test
  void aCreatedSessionRunsWithItsEndpointsAndImageRecorded() {
    var s = t.create("a", "web");

    assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(s.endpoints()).containsEntry(8080, "http://fake-a.fake:8080");
    assertThat(t.service.imageIds()).containsEntry(SessionId.of("a"), "fake-image");
    assertThat(statuses("a"))
        .as("every status it passed through is an event")
        .containsExactly(
            "created from template 'web' on fake",
            "starting",
            "running at http://fake-a.fake:8080");
    assertThat(t.runtime.isRunning(SessionId.of("a"))).isTrue();
  }

  @Test
  void anAppThatNeverGetsReadyFailsAtItsStartTimeoutOnTheClockNotInRealTime() {
    t.runtime.behave(SessionId.of("b"), Behaviour.NEVER_READY);
    Instant before = t.clock.instant();

    var s = t.create("b", "slowstart");

    assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(s.statusReason()).contains("not ready after 30s").contains("still starting");
    assertThat(Duration.between(before, t.clock.instant())).isGreaterThanOrEqualTo(seconds(30));
  }

  @Test
  void theStartTimeoutCountsFromTheStartSoTimeTheRuntimeSpentIsPartOfIt() {
    t.runtime.behave(SessionId.of("w"), Behaviour.NEVER_READY);
    t.runtime.startTakes(seconds(25)); // waiting for containers others wait for with after
    Instant before = t.clock.instant();

    var s = t.create("w", "slowstart");

    assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(s.statusReason()).contains("not ready after 30s");
    assertThat(Duration.between(before, t.clock.instant()))
        .as("one deadline for the whole start, not 30 s more after the runtime's 25")
        .isLessThan(seconds(35));
  }

  @Test
  void aProbeThatKeepsFailingGivesItsLastErrorAsTheReason() {
    t.runtime.onExec(
        r ->
            new dev.berth.runtime.ExecResult(
                3,
                new byte[0],
                "not yet".getBytes(StandardCharsets.UTF_8),
                0,
                7,
                false,
                Duration.ZERO));

    var s = t.create("p", "slowstart");

    assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(s.statusReason()).contains("probe command exited with 3").contains("not yet");
  }

  @Test
  void anAppThatCrashesOnStartFailsWithItsExitCodeAndItsOutputIsKept() {
    t.runtime.behave(SessionId.of("c"), Behaviour.CRASHING);

    var s = t.create("c", "web");

    assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(s.statusReason()).contains("the app exited with code 1 before it was ready");
    assertThat(t.service.events(SessionId.of("c"), 0, 100))
        .anySatisfy(e -> assertThat(e.type()).isEqualTo("log"));
  }

  @Test
  void aFailedPrepareLeavesAFailedSessionThatADeleteCleansUp() {
    t.runtime.failNext("prepare", new IllegalStateException("disk full"));

    CreatedSession created = t.service.create(FakeServices.request("d", "web", true));

    assertThat(created.session().status()).isEqualTo(SessionStatus.FAILED);
    assertThat(created.session().statusReason())
        .startsWith("prepare failed:")
        .contains("disk full");
    assertThat(t.runtime.calls("start")).as("nothing started after a failed prepare").isZero();

    SessionCleanupReceipt receipt = t.service.delete(SessionId.of("d"));
    assertThat(receipt.complete()).isTrue();
    assertThat(t.row("d").status()).isEqualTo(SessionStatus.DELETED);
  }

  @Test
  void aDeleteRemovesEverythingWithAReceiptAndRevokesTheSessionToken() {
    CreatedSession created = t.service.create(FakeServices.request("e", "web", true));

    SessionCleanupReceipt receipt = t.service.delete(SessionId.of("e"));

    assertThat(receipt.removed())
        .extracting(r -> r.kind() + " " + r.name())
        .containsExactlyInAnyOrder("process fake-e", "workspace fake-e");
    assertThat(t.runtime.hasWorkspace(SessionId.of("e"))).isFalse();
    assertThat(t.row("e").status()).isEqualTo(SessionStatus.DELETED);
    assertThatThrownBy(() -> t.tokens.authenticate(created.token()))
        .isInstanceOf(BerthException.class);
    assertThat(t.service.delete(SessionId.of("e")).nothingLeft())
        .as("a second delete finds nothing left")
        .isTrue();
  }

  @Test
  void aStopKeepsTheWorkspaceAndAStartRunsOnIt() {
    t.create("f", "web");
    t.service
        .workspace()
        .writeFile(
            SessionId.of("f"),
            "notes/a.txt",
            new ByteArrayInputStream("kept".getBytes(StandardCharsets.UTF_8)));

    var stopped = t.service.stop(SessionId.of("f"));
    assertThat(stopped.status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(stopped.endpoints()).isEmpty();
    assertThat(t.runtime.isRunning(SessionId.of("f"))).isFalse();

    var started = t.service.start(SessionId.of("f"));
    assertThat(started.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(t.runtime.files(SessionId.of("f"))).containsEntry("notes/a.txt", "kept");
  }

  @Test
  void aWarmCreatePreparesTheWorkspaceAndStartsNothing() {
    var s = t.service.create(FakeServices.request("w", "web", false)).session();

    assertThat(s.status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(s.statusReason()).isEqualTo("warmed");
    assertThat(t.runtime.hasWorkspace(SessionId.of("w"))).isTrue();
    assertThat(t.runtime.calls("start")).isZero();
  }

  @Test
  void aDeleteDuringASlowStartWaitsForTheStartAndThenRemovesEverything() throws Exception {
    SessionId id = SessionId.of("g");
    t.runtime.behave(id, Behaviour.SLOW);
    var create = CompletableFuture.supplyAsync(() -> t.create("g", "web"));
    await().until(() -> t.runtime.starting(id));

    var delete = CompletableFuture.supplyAsync(() -> t.service.delete(id));
    // The delete queues behind the create's lock; it has not touched the runtime.
    await().until(() -> t.row("g").status() == SessionStatus.STARTING);
    assertThat(delete).isNotDone();
    assertThat(t.runtime.calls("destroy")).isZero();

    t.runtime.release(id);

    assertThat(create.get().status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(delete.get().complete()).isTrue();
    assertThat(t.row("g").status()).isEqualTo(SessionStatus.DELETED);
    assertThat(t.runtime.hasWorkspace(id)).isFalse();
  }

  private static Duration seconds(int n) {
    return Duration.ofSeconds(n);
  }
}
