package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.SessionFilter;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the service refuses before it makes anything, and how creates of one id exclude each other,
 * on the fake runtime (the rules are the service's, whatever the backend).
 */
class SessionRulesLogicTest {
  @TempDir Path home;
  private FakeServices t;

  @BeforeEach
  void setUp() {
    t = new FakeServices(home, Map.of());
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static CreateSessionRequest request(String id, String template) {
    return new CreateSessionRequest(
        Optional.ofNullable(id).map(SessionId::of),
        Optional.ofNullable(template),
        Optional.empty(),
        Map.of(),
        true);
  }

  @Test
  void aLiveIdIsRefusedAndCanBeReusedAfterDelete() {
    t.service.create(request("dup", null));
    assertThatThrownBy(() -> t.service.create(request("dup", null)))
        .isInstanceOf(BerthException.class)
        .extracting(e -> ((BerthException) e).code())
        .isEqualTo(ErrorCode.CONFLICT);
    t.service.delete(SessionId.of("dup"));
    assertThat(t.service.create(request("dup", null)).session().status())
        .isEqualTo(SessionStatus.RUNNING);
  }

  @Test
  void badInputCreatesNothing() {
    assertThatThrownBy(() -> t.service.create(request("x1", "no-such-template")))
        .hasMessageContaining("unknown template");
    assertThatThrownBy(
            () ->
                t.service.create(
                    new CreateSessionRequest(
                        Optional.of(SessionId.of("x2")),
                        Optional.empty(),
                        Optional.of("mars"),
                        Map.of(),
                        true)))
        .hasMessageContaining("unknown backend 'mars'");
    assertThat(t.registry.sessions().list(SessionFilter.ALL_LIVE)).isEmpty();
    assertThat(t.registry.sessions().find(SessionId.of("x1"))).isEmpty();
    assertThat(t.runtime.calls("prepare")).as("nothing made on the runtime").isZero();
  }

  @Test
  void concurrentCreatesOfOneIdNeverInterleave() throws Exception {
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(
          () -> {
            try {
              t.service.create(request("race", null));
              return true;
            } catch (BerthException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
              return false;
            }
          });
    }
    try (var pool = Executors.newFixedThreadPool(8)) {
      long winners = 0;
      for (Future<Boolean> f : pool.invokeAll(attempts)) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    }
    assertThat(t.service.get(SessionId.of("race")).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(t.runtime.calls("prepare")).as("one create made the session").isEqualTo(1);
  }
}
