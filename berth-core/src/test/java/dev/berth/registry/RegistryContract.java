package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeState;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every registry database must do; {@link SqliteRegistryTest} and {@link PostgresRegistryTest}
 * run it on each.
 */
abstract class RegistryContract {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private Session session(String id, SessionStatus status) {
    return new Session(
        SessionId.of(id),
        "default",
        "local",
        status,
        "",
        Map.of("team", "a"),
        RuntimeState.of(1, Map.of("dir", "/x/" + id)),
        Map.of(8000, "http://127.0.0.1:1/"),
        now,
        now,
        now);
  }

  /** A registry on this test's store; opening again reaches the same data. */
  abstract Registry open();

  @Test
  void everythingSurvivesAReopen() {
    try (var registry = open()) {
      registry.insert(session("one", SessionStatus.RUNNING));
      registry.appendEvent(SessionId.of("one"), now, "status", "running", "");
      registry.saveToken(
          new TokenRecord("h1", TokenRecord.Kind.SESSION, Optional.of(SessionId.of("one"))), now);
    }
    try (var registry = open()) {
      assertThat(registry.find(SessionId.of("one")))
          .hasValue(session("one", SessionStatus.RUNNING));
      assertThat(registry.events(SessionId.of("one"), 0, 10))
          .extracting(e -> e.message())
          .containsExactly("running");
      assertThat(registry.findToken("h1"))
          .get()
          .extracting(TokenRecord::sessionId)
          .isEqualTo(Optional.of(SessionId.of("one")));
    }
  }

  @Test
  void manyConcurrentWritersAllSucceed() throws Exception {
    // Each insert reads (is the id taken?) then writes; a deferred transaction would fail with
    // SQLITE_BUSY when another writer commits in between. Writes begin IMMEDIATE and queue.
    try (var registry = open();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
      var tasks = new java.util.ArrayList<java.util.concurrent.Callable<Void>>();
      for (int i = 0; i < 60; i++) {
        String id = "w" + i;
        tasks.add(
            () -> {
              registry.insert(session(id, SessionStatus.PENDING));
              registry.appendEvent(SessionId.of(id), now, "status", "created", "");
              registry.update(session(id, SessionStatus.RUNNING));
              registry.find(SessionId.of(id)).orElseThrow();
              return null;
            });
      }
      for (var f : pool.invokeAll(tasks)) {
        f.get();
      }
      assertThat(registry.list(SessionFilter.ALL_LIVE)).hasSize(60);
      assertThat(registry.eventsAfter(0, 1000)).hasSize(60);
      assertThat(registry.countByBackendAndStatus())
          .isEqualTo(Map.of("local", Map.of(SessionStatus.RUNNING, 60)));
    }
  }

  @Test
  void aLiveIdCannotBeTakenButADeletedOneCan() {
    try (var registry = open()) {
      registry.insert(session("dup", SessionStatus.RUNNING));
      assertThatThrownBy(() -> registry.insert(session("dup", SessionStatus.PENDING)))
          .hasMessageContaining("already exists");
      registry.update(session("dup", SessionStatus.DELETED));
      registry.insert(session("dup", SessionStatus.PENDING));
      assertThat(registry.find(SessionId.of("dup")))
          .get()
          .extracting(Session::status)
          .isEqualTo(SessionStatus.PENDING);
    }
  }

  @Test
  void listsFilterByStatusTemplateAndLabelsAndHideDeleted() {
    try (var registry = open()) {
      registry.insert(session("a", SessionStatus.RUNNING));
      registry.insert(session("b", SessionStatus.STOPPED));
      registry.insert(session("c", SessionStatus.DELETED));
      assertThat(registry.list(SessionFilter.ALL_LIVE))
          .extracting(s -> s.id().value())
          .containsExactly("a", "b");
      var stopped =
          new SessionFilter(Optional.of(SessionStatus.STOPPED), Optional.empty(), Map.of());
      assertThat(registry.list(stopped)).extracting(s -> s.id().value()).containsExactly("b");
      var otherTeam = new SessionFilter(Optional.empty(), Optional.empty(), Map.of("team", "b"));
      assertThat(registry.list(otherTeam)).isEmpty();
    }
  }

  @Test
  void eventsKeepTheirOrderAndActivityOnlyMovesForward() {
    try (var registry = open()) {
      registry.insert(session("act", SessionStatus.RUNNING));
      for (int i = 0; i < 5; i++) {
        registry.appendEvent(SessionId.of("act"), now, "status", "e" + i, "");
      }
      var events = registry.events(SessionId.of("act"), 0, 3);
      assertThat(events).extracting(e -> e.message()).containsExactly("e0", "e1", "e2");
      assertThat(registry.events(SessionId.of("act"), events.get(2).id(), 10))
          .extracting(e -> e.message())
          .containsExactly("e3", "e4");

      registry.touch(SessionId.of("act"), now.plusSeconds(60), "proxy");
      registry.touch(SessionId.of("act"), now.plusSeconds(30), "api");
      assertThat(registry.find(SessionId.of("act")).orElseThrow().lastActivityAt())
          .isEqualTo(now.plusSeconds(60));
    }
  }

  @Test
  void aMigratedSessionRecordsItsNewBackend() {
    try (var registry = open()) {
      Session s = session("moved", SessionStatus.STOPPED);
      registry.insert(s);
      registry.update(s.onBackend("docker", RuntimeState.of(1, Map.of("c", "x")), now));
      assertThat(registry.find(SessionId.of("moved")).orElseThrow().backend()).isEqualTo("docker");
      assertThat(registry.hasAdminToken()).isFalse();
    }
  }

  @Test
  void theImageOfEachLiveSessionIsRecordedAndForgottenWithTheRow() {
    try (var registry = open()) {
      registry.insert(session("one", SessionStatus.RUNNING));
      registry.insert(session("two", SessionStatus.RUNNING));
      registry.insert(session("gone", SessionStatus.DELETED));
      registry.setImageId(SessionId.of("one"), "sha256:aaa");
      registry.setImageId(SessionId.of("gone"), "sha256:old");
      assertThat(registry.imageIds()).containsOnly(Map.entry(SessionId.of("one"), "sha256:aaa"));

      // A deleted id taken again starts without an image.
      registry.insert(session("gone", SessionStatus.PENDING));
      registry.setImageId(SessionId.of("one"), "");
      assertThat(registry.imageIds()).isEmpty();
    }
  }
}
