package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The rule that tells a quit from an exit on a signal, from the engine's events alone (the whole
 * path on a real engine is in DockerReadinessTest, a quit, and EngineFaultTest, an engine restart).
 */
class ContainerExitsTest {
  private static final Instant WATCHED = Instant.parse("2026-01-01T10:00:00Z");
  private static final String STARTED = "2026-01-01T10:00:05.5Z";
  private static final String FINISHED = "2026-01-01T10:01:00.123456789Z";
  private static final Duration NO_WAIT = Duration.ZERO;
  private final Object watcher = new Object();
  private final ContainerExits exits = new ContainerExits();

  private static Instant at(String t) {
    return Instant.parse(t);
  }

  @Test
  void anEndWithItsDieSeenAndNoSignalWhileWatchedIsOnItsOwn() {
    exits.following(watcher, WATCHED);
    exits.died("c1", at(FINISHED).plusMillis(80));
    assertThat(exits.judge("c1", STARTED, FINISHED, NO_WAIT))
        .isEqualTo(new ContainerExits.Verdict(true, ""));
  }

  @Test
  void aSignalDuringTheRunMeansNotOnItsOwnButOneOfAnEarlierRunDoesNot() {
    exits.following(watcher, WATCHED);
    exits.killed("c1", at(STARTED).minusSeconds(1), "15"); // Berth's stop of the previous run
    exits.died("c1", at(FINISHED));
    assertThat(exits.judge("c1", STARTED, FINISHED, NO_WAIT).onItsOwn()).isTrue();

    exits.killed("c1", at(FINISHED).minusMillis(1), "15"); // docker stop, or the engine's shutdown
    ContainerExits.Verdict v = exits.judge("c1", STARTED, FINISHED, NO_WAIT);
    assertThat(v.onItsOwn()).isFalse();
    assertThat(v.why()).contains("signal 15");
  }

  @Test
  void anEndWhileNobodyFollowedTheEventsIsNotKnownToBeOnItsOwn() {
    exits.died("c1", at(FINISHED));
    assertThat(exits.judge("c1", STARTED, FINISHED, NO_WAIT).onItsOwn())
        .as("no watcher at all")
        .isFalse();

    // Berth (or the engine) was down when it ended: the stream followed since after the end.
    exits.following(watcher, at(FINISHED).plusSeconds(30));
    ContainerExits.Verdict v = exits.judge("c1", STARTED, FINISHED, NO_WAIT);
    assertThat(v.onItsOwn()).isFalse();
    assertThat(v.why()).contains("not following the engine's events");

    exits.following(watcher, WATCHED);
    exits.lost(watcher);
    assertThat(exits.judge("c1", STARTED, FINISHED, NO_WAIT).onItsOwn())
        .as("the stream broke")
        .isFalse();
  }

  @Test
  void anInspectionThatSeesTheExitFirstWaitsForItsDieEventAndGivesUpSafely() throws Exception {
    exits.following(watcher, WATCHED);
    assertThat(exits.judge("c1", STARTED, FINISHED, NO_WAIT).onItsOwn())
        .as("the die not delivered (yet): not known")
        .isFalse();

    var judged = new CompletableFuture<ContainerExits.Verdict>();
    Thread inspection =
        Thread.ofPlatform()
            .start(
                () ->
                    judged.complete(exits.judge("c1", STARTED, FINISHED, Duration.ofSeconds(20))));
    Awaitility.await("the inspection waits for the die event")
        .atMost(Duration.ofSeconds(10))
        .until(() -> inspection.getState() == Thread.State.TIMED_WAITING);
    exits.died("c1", at(FINISHED).plusMillis(80));
    assertThat(judged.get(10, TimeUnit.SECONDS).onItsOwn()).isTrue();
  }

  @Test
  void theEnginesTimesAreReadAsItWritesThem() {
    assertThat(ContainerExits.parse("0001-01-01T00:00:00Z")).isEmpty();
    assertThat(ContainerExits.parse("2026-01-01T11:00:00.5+01:00"))
        .contains(Instant.parse("2026-01-01T10:00:00.5Z"));
    assertThat(ContainerExits.since(Instant.parse("2026-01-01T10:00:00.000000042Z")))
        .isEqualTo("1767261600.000000042");
    assertThat(ContainerExits.eventTime(1767261600000000042L, 1767261600L))
        .isEqualTo(Instant.parse("2026-01-01T10:00:00.000000042Z"));
    assertThat(exits.judge("c1", "", FINISHED, NO_WAIT).onItsOwn()).isFalse();
  }
}
