package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import dev.berth.service.TestServices;
import dev.berth.session.CreateSessionRequest;
import dev.berth.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanCollectorTest {
  @TempDir Path home;

  /** Makes a workspace behind the registry's back, as a manager killed mid-create would. */
  private static Path plant(TestServices t, String id) {
    var s = RuntimeSession.fresh(SessionId.of(id), Template.builtinDefault(), Map.of());
    return Path.of(t.runtime.prepare(s).get("dir"));
  }

  @Test
  void onlyResourcesWithoutALiveSessionAndPastTheGraceAreRemoved() {
    try (var t = new TestServices(home)) {
      var live = t.service.create(CreateSessionRequest.ofTemplate("default")).session();
      Path orphan = plant(t, "lost-one");

      assertThat(t.orphans.collect(Duration.ofHours(1), false))
          .as("younger than the grace period")
          .isEmpty();
      assertThat(orphan).exists();

      var dry = t.orphans.collect(Duration.ZERO, true);
      assertThat(dry).extracting(OrphanCollector.Orphan::sessionId).containsExactly("lost-one");
      assertThat(dry.get(0).cleanup()).isEmpty();
      assertThat(orphan).as("a dry run removes nothing").exists();

      var removed = t.orphans.collect(Duration.ZERO, false);
      assertThat(removed).extracting(OrphanCollector.Orphan::sessionId).containsExactly("lost-one");
      assertThat(removed.get(0).cleanup())
          .hasValueSatisfying(r -> assertThat(r.complete()).isTrue());
      assertThat(orphan).doesNotExist();
      assertThat(home.resolve("sessions").resolve(live.id().value())).exists();
      assertThat(t.service.get(live.id()).status().isLive()).isTrue();
    }
  }

  @Test
  void leftoversOfADeletedSessionAreOrphans() throws Exception {
    try (var t = new TestServices(home)) {
      var id = t.service.create(CreateSessionRequest.ofTemplate("default")).session().id();
      t.service.delete(id);
      Path leftover = plant(t, id.value());
      assertThat(Files.exists(leftover)).isTrue();
      assertThat(t.orphans.collect(Duration.ZERO, false))
          .extracting(OrphanCollector.Orphan::sessionId)
          .containsExactly(id.value());
      assertThat(leftover).doesNotExist();
    }
  }
}
