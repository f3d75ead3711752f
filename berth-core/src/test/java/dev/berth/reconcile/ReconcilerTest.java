package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.service.FakeServices;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CullSettings;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionLifecycle;
import dev.berth.session.SessionListener;
import dev.berth.session.SessionSpec;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler's loop (its timer, its passes, its workers) on the fake runtime: idle culling (an
 * active session is not culled), lifetimes, and operations a manager crash interrupted, finished by
 * the next manager. Time that decides (timeouts, lifetimes) passes on a manual clock that the test
 * moves; the test then waits for the loop's outcome, never for a stretch of real time.
 */
class ReconcilerTest {
  private static final Duration TICK = Duration.ofMillis(200);
  @TempDir Path home;

  private FakeServices services(String template, String yaml) {
    return new FakeServices(home, Map.of(template, yaml));
  }

  private static CreateSessionRequest request(String id, String template, CullSettings culling) {
    return new CreateSessionRequest(
        Optional.of(SessionId.of(id)),
        Optional.of(template),
        Optional.empty(),
        Map.of(),
        true,
        culling);
  }

  private static Session status(FakeServices t, String id) {
    return t.registry.sessions().find(SessionId.of(id)).orElseThrow();
  }

  @Test
  void anIdleSessionIsStoppedOnTimeAndAnActiveOneIsNot() throws Exception {
    try (var t = services("idle", "command: [app]\nidleTimeout: 2s\n");
        var reconciler =
            new Reconciler(
                t.service, t.orphans, TICK, Duration.ofMinutes(10), ReconcileMetrics.NONE)) {
      t.service.create(request("quiet", "idle", CullSettings.NONE));
      t.service.create(request("busy", "idle", CullSettings.NONE));
      // A pass one second in (run here, synchronously): neither is due yet.
      t.clock.advance(Duration.ofSeconds(1));
      t.reconciler.reconcileAll();
      assertThat(status(t, "quiet").status())
          .as("not culled before its idle timeout")
          .isEqualTo(SessionStatus.RUNNING);
      // Before the loop starts: no pass can fall between the clock's move and the busy one's use.
      t.clock.advance(Duration.ofSeconds(2));
      t.service.recordActivity(SessionId.of("busy"), "api");
      reconciler.start();
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> status(t, "quiet").status() == SessionStatus.STOPPED);
      assertThat(status(t, "quiet").statusReason()).contains("idle for", "idle timeout 2 s");
      assertThat(status(t, "quiet").lifecycle().desired()).isEqualTo(DesiredState.STOPPED);
      assertThat(t.service.events(SessionId.of("quiet"), 0, 100))
          .extracting(SessionEvent::type)
          .contains("cull");
      t.reconciler.reconcileAll(); // one more whole pass, done when this returns
      assertThat(status(t, "busy").status())
          .as("used after the quiet one's last use")
          .isEqualTo(SessionStatus.RUNNING);
      assertThat(SessionLife.of(t.service, status(t, "busy")).explanation())
          .startsWith("active")
          .contains("via api", "stopped if idle for 2 s");
    }
  }

  @Test
  void aSessionPastItsMaxLifetimeIsDeletedWithAReceipt() throws Exception {
    try (var t = services("short", "command: [app]\nmaxLifetime: 1s\ncullAction: delete\n");
        var reconciler =
            new Reconciler(
                t.service, t.orphans, TICK, Duration.ofMinutes(10), ReconcileMetrics.NONE)) {
      t.service.create(request("brief", "short", CullSettings.NONE));
      t.service.create(
          request(
              "kept",
              "short",
              new CullSettings(Optional.empty(), Optional.of(Duration.ZERO), Optional.empty())));
      t.clock.advance(Duration.ofSeconds(2));
      reconciler.start();
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> status(t, "brief").status() == SessionStatus.DELETED);
      List<SessionEvent> events = t.service.events(SessionId.of("brief"), 0, 100);
      assertThat(events).extracting(SessionEvent::type).contains("cull", "deleting", "cleanup");
      assertThat(
              events.stream()
                  .filter(e -> e.type().equals("cull"))
                  .findFirst()
                  .orElseThrow()
                  .message())
          .isEqualTo("delete: reached its max lifetime of 1 s");
      assertThat(t.runtime.hasWorkspace(SessionId.of("brief"))).isFalse();
      assertThat(status(t, "kept").status())
          .as("a session's own max lifetime of 0 keeps it")
          .isEqualTo(SessionStatus.RUNNING);
    }
  }

  @Test
  void theNextManagerFinishesAnInterruptedCreateAndAnInterruptedDelete() throws Exception {
    List<SessionEvent> seen = new CopyOnWriteArrayList<>();
    try (var t = services("default", "command: [app]\n")) {
      t.service.addListener(
          new SessionListener() {
            @Override
            public void onEvent(SessionEvent e) {
              seen.add(e);
            }
          });
      // A manager that died right after recording a create: the row, nothing else.
      Instant now = t.clock.instant();
      t.registry
          .sessions()
          .insert(
              Session.recorded(
                  SessionSpec.of(
                      SessionId.of("half-made"),
                      "default",
                      "fake",
                      Map.of(),
                      CullSettings.NONE,
                      now),
                  SessionLifecycle.RUNNING));
      // A manager that died right after recording a delete: the session and its workspace are
      // still there, wanting deletion.
      Session doomed =
          t.service.create(request("half-gone", "default", CullSettings.NONE)).session();
      t.registry
          .sessions()
          .update(doomed.withLifecycle(doomed.lifecycle().want(DesiredState.DELETED)));
      assertThat(t.runtime.hasWorkspace(SessionId.of("half-gone"))).isTrue();

      try (var reconciler =
          new Reconciler(
              t.service, t.orphans, TICK, Duration.ofMinutes(10), ReconcileMetrics.NONE)) {
        reconciler.start();
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    status(t, "half-made").status() == SessionStatus.RUNNING
                        && status(t, "half-gone").status() == SessionStatus.DELETED);
      }
      assertThat(t.runtime.hasWorkspace(SessionId.of("half-made"))).isTrue();
      assertThat(t.runtime.isRunning(SessionId.of("half-made"))).isTrue();
      assertThat(t.runtime.hasWorkspace(SessionId.of("half-gone"))).isFalse();
      SessionEvent cleanup =
          t.service.events(SessionId.of("half-gone"), 0, 100).stream()
              .filter(e -> e.type().equals("cleanup"))
              .reduce((a, b) -> b)
              .orElseThrow();
      assertThat(cleanup.data()).contains("\"complete\":true", "\"kind\":\"workspace\"");
      assertThat(seen)
          .as("every status change reaches listeners, with from and to")
          .anySatisfy(
              e -> {
                assertThat(e.sessionId().value()).isEqualTo("half-made");
                assertThat(e.data()).contains("\"from\":\"STARTING\"", "\"to\":\"RUNNING\"");
              });
    }
  }
}
