package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import dev.berth.service.FakeServices;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.Session;
import dev.berth.session.SessionSpec;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanCollectorTest {
  @TempDir Path home;

  /** Makes a workspace behind the registry's back, as a manager killed mid-create would. */
  private static SessionId plant(FakeServices t, String id) {
    var s = RuntimeSession.fresh(SessionId.of(id), Template.builtinDefault(), Map.of());
    t.runtime.prepare(s);
    return s.id();
  }

  @Test
  void onlyResourcesWithoutALiveSessionAndPastTheGraceAreRemoved() {
    try (var t = new FakeServices(home, Map.of())) {
      var live = t.service.create(CreateSessionRequest.ofTemplate("default")).session();
      SessionId orphan = plant(t, "lost-one");

      assertThat(t.orphans.collect(Duration.ofHours(1), false))
          .as("younger than the grace period")
          .isEmpty();
      assertThat(t.runtime.hasWorkspace(orphan)).isTrue();

      t.clock.advance(Duration.ofSeconds(1));
      var dry = t.orphans.collect(Duration.ZERO, true);
      assertThat(dry).extracting(OrphanCollector.Orphan::sessionId).containsExactly("lost-one");
      assertThat(dry.get(0).cleanup()).isEmpty();
      assertThat(t.runtime.hasWorkspace(orphan)).as("a dry run removes nothing").isTrue();

      var removed = t.orphans.collect(Duration.ZERO, false);
      assertThat(removed).extracting(OrphanCollector.Orphan::sessionId).containsExactly("lost-one");
      assertThat(removed.get(0).cleanup())
          .hasValueSatisfying(r -> assertThat(r.complete()).isTrue());
      assertThat(t.runtime.hasWorkspace(orphan)).isFalse();
      assertThat(t.runtime.hasWorkspace(live.id())).isTrue();
      assertThat(t.service.get(live.id()).status().isLive()).isTrue();
    }
  }

  @Test
  void leftoversOfADeletedSessionAreOrphans() throws Exception {
    try (var t = new FakeServices(home, Map.of())) {
      var id = t.service.create(CreateSessionRequest.ofTemplate("default")).session().id();
      t.service.delete(id);
      SessionId leftover = plant(t, id.value());
      assertThat(t.runtime.hasWorkspace(leftover)).isTrue();
      t.clock.advance(Duration.ofSeconds(1));
      assertThat(t.orphans.collect(Duration.ZERO, false))
          .extracting(OrphanCollector.Orphan::sessionId)
          .containsExactly(id.value());
      assertThat(t.runtime.hasWorkspace(leftover)).isFalse();
    }
  }

  @Test
  void resourcesAreMatchedToSessionsThroughTheirHandleNotTheirId() {
    try (var t = new FakeServices(home, Map.of())) {
      var made = t.service.create(CreateSessionRequest.ofTemplate("default")).session();
      // A session bound to a workspace prepared under another handle (as a warm pool will bind).
      var bound =
          new Session(
              new SessionSpec(
                  SessionId.of("bound"),
                  "pool-7",
                  made.template(),
                  made.backend(),
                  made.labels(),
                  made.culling(),
                  made.createdAt()),
              made.observed(),
              made.activity(),
              made.lifecycle());
      t.registry.sessions().insert(bound);
      t.runtime.prepare(
          RuntimeSession.fresh(
              SessionId.of("bound"), "pool-7", Template.builtinDefault(), Map.of()));
      SessionId stray = plant(t, "pool-8");
      t.clock.advance(Duration.ofSeconds(1));

      assertThat(t.orphans.collect(Duration.ZERO, false))
          .extracting(OrphanCollector.Orphan::sessionId)
          .containsExactly("pool-8");
      assertThat(t.runtime.hasWorkspace(stray)).isFalse();
      assertThat(t.runtime.hasWorkspace(SessionId.of("pool-7")))
          .as("the bound session's workspace is kept")
          .isTrue();
    }
  }
}
