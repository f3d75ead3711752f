package dev.berth.service.pools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.PreflightProblem;
import dev.berth.service.FakeServices;
import dev.berth.session.CreatedSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pools' rules on a fake runtime and a manual clock: what cannot be seen removes nothing and is
 * handed to nobody, a member whose app ended is replaced, and a pool that cannot fill says why and
 * tries again after its back-off.
 */
class PoolsLogicTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path home;

  private static PoolStatus pool(FakeServices t) {
    return t.service.pools().status().get(0);
  }

  private static List<String> handles(FakeServices t) {
    return pool(t).members().stream().map(PoolStatus.Member::handle).toList();
  }

  @Test
  void whatCannotBeSeenIsNeitherRemovedNorHandedOut() throws Exception {
    try (var t = new FakeServices(home, Map.of("web", "pool: {size: 2}\n"))) {
      t.service.pools().refillAndWait(WAIT);
      List<String> members = handles(t);
      assertThat(members).hasSize(2);

      t.runtime.blind(true);
      t.service.pools().refillAndWait(WAIT);
      assertThat(handles(t)).as("kept while the engine does not answer").isEqualTo(members);
      CreatedSession blindCreate = t.service.create(FakeServices.request("b1", "web", true));
      assertThat(blindCreate.pooled()).isFalse();
      assertThat(handles(t)).isEqualTo(members);

      t.runtime.blind(false);
      CreatedSession seen = t.service.create(FakeServices.request("b2", "web", true));
      assertThat(seen.pooled()).isTrue();
      assertThat(seen.session().handle()).isIn(members);
    }
  }

  @Test
  void aMemberWhoseAppEndedIsReplaced() throws Exception {
    try (var t = new FakeServices(home, Map.of("web", "pool: {size: 2}\n"))) {
      t.service.pools().refillAndWait(WAIT);
      String ended = handles(t).get(0);
      t.runtime.crash(SessionId.of(ended), 1);

      t.service.pools().refillAndWait(WAIT);
      assertThat(handles(t)).hasSize(2).doesNotContain(ended);
      assertThat(t.runtime.hasWorkspace(SessionId.of(ended)))
          .as("removed with what it made")
          .isFalse();
      assertThat(t.service.list(SessionFilter.ALL_LIVE)).isEmpty();
    }
  }

  @Test
  void aPoolThatCannotFillSaysWhyAndTriesAgainAfterItsBackOff() throws Exception {
    try (var t = new FakeServices(home, Map.of("web", "pool: {size: 1}\n"))) {
      t.runtime.preflightFinds(new PreflightProblem.ImageNotBuilt("web", "berth/web:latest"));
      t.service.pools().refillAndWait(WAIT);
      assertThat(pool(t).ready()).isZero();
      assertThat(pool(t).problem())
          .hasValueSatisfying(p -> assertThat(p).contains("berth images build web"));

      t.runtime.preflightFinds(); // built now
      t.service.pools().refillAndWait(WAIT);
      assertThat(pool(t).ready()).as("still waiting out its back-off").isZero();
      t.clock.advance(Duration.ofSeconds(3));
      t.service.pools().refillAndWait(WAIT);
      assertThat(pool(t).ready()).isEqualTo(1);
      assertThat(pool(t).problem()).isEmpty();
    }
  }
}
