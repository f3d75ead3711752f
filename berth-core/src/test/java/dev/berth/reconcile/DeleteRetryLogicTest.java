package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.service.FakeServices;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete that cannot finish (the backend keeps failing to remove something) is retried by the
 * reconciler with a backoff of its own (5 s doubling to 5 min), writes events only when an attempt
 * changes something, and the session's life says what it waits for and when it tries again.
 */
class DeleteRetryLogicTest {
  private static final SessionId APP = SessionId.of("app");
  @TempDir Path home;
  private FakeServices t;

  @BeforeEach
  void setUp() {
    t = new FakeServices(home, Map.of("plain", "command: [app]\n"));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private Session pass() {
    t.reconciler.reconcile(APP);
    return t.row("app");
  }

  private List<SessionEvent> events() {
    return t.registry.events().of(APP, 0, 10_000);
  }

  @Test
  void aStuckDeleteBacksOffQuietlyAndSaysWhatItWaitsForThenFinishesWithItsReceipt() {
    t.create("app", "plain");
    t.runtime.failAlways(
        "destroy", new BerthException(ErrorCode.RUNTIME_FAILURE, "volume fake-app is in use"));
    assertThat(t.service.delete(APP).complete()).isFalse();
    Session stuck = t.row("app");
    assertThat(stuck.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(stuck.lifecycle().desired()).isEqualTo(DesiredState.DELETED);
    int eventsAfterTheDelete = events().size();

    // The first retry comes with the next pass; then the waits double, up to 5 minutes.
    List<Duration> waits = new ArrayList<>();
    for (int attempt = 0; attempt < 9; attempt++) {
      Session after = pass();
      assertThat(after.status()).isEqualTo(SessionStatus.FAILED);
      Instant next = after.lifecycle().nextRestartAt().orElseThrow();
      waits.add(Duration.between(t.clock.instant(), next));
      t.clock.advance(Duration.between(t.clock.instant(), next).minusSeconds(1));
      int destroys = t.runtime.calls("destroy");
      pass();
      assertThat(t.runtime.calls("destroy")).as("not before it is due").isEqualTo(destroys);
      t.clock.advance(Duration.ofSeconds(1));
    }
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(80),
            Duration.ofSeconds(160),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5));
    assertThat(events())
        .as("attempts that change nothing write nothing")
        .hasSize(eventsAfterTheDelete);

    Session waiting = t.row("app");
    String life = SessionLife.of(t.service, waiting).explanation();
    assertThat(life)
        .contains("being deleted", "volume fake-app is in use", "next attempt")
        .contains(waiting.lifecycle().nextRestartAt().orElseThrow().toString())
        .doesNotContain("restart ");

    t.runtime.stopFailing("destroy");
    t.clock.advance(Duration.ofMinutes(5));
    Session deleted = pass();
    assertThat(deleted.status()).isEqualTo(SessionStatus.DELETED);
    List<SessionEvent> trail = events();
    assertThat(trail.subList(eventsAfterTheDelete, trail.size()))
        .extracting(SessionEvent::type)
        .containsExactly("deleting", "cleanup", "status");
    SessionEvent cleanup = trail.get(trail.size() - 2);
    assertThat(cleanup.data()).contains("\"complete\":true", "fake-app");
  }
}
