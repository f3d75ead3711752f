package dev.berth.service.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.images.ImageEngine;
import dev.berth.runtime.PreflightProblem;
import dev.berth.service.FakeServices;
import dev.berth.session.CreateSessionRequest;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A create of a live session's id is a 409 before anything else is looked at: not the 422 of an
 * unbuilt image or another precondition (the id is the real problem), and with {@code "build":
 * true} before any build (minutes of building for a 409 at the end). One create with build on first
 * use checks and creates one session, also when Berth picks its id.
 */
class CreateOfATakenIdLogicTest {
  @TempDir Path home;
  private FakeServices t;
  private ImageJobs jobs;
  private FirstUseBuilds builds;
  private final AtomicInteger engineCalls = new AtomicInteger();

  @BeforeEach
  void setUp() throws IOException {
    t = new FakeServices(home, Map.of("app", "command: [sleep, '600']\n"));
    // A template Berth builds (its folder has a Dockerfile), so a build of it can be queued.
    Files.writeString(home.resolve("templates/app/Dockerfile"), "FROM busybox\n");
    // No engine: any call to it counts (and fails), so a build that starts shows.
    ImageEngine engine =
        (ImageEngine)
            Proxy.newProxyInstance(
                ImageEngine.class.getClassLoader(),
                new Class<?>[] {ImageEngine.class},
                (proxy, method, args) -> {
                  if (method.getDeclaringClass() == Object.class) {
                    return method.getName().equals("toString") ? "no engine" : null;
                  }
                  engineCalls.incrementAndGet();
                  throw new BerthException(ErrorCode.RUNTIME_FAILURE, "no engine in this test");
                });
    jobs = new ImageJobs(new ImageService(t.service, engine, t.clock), t.clock);
    builds = new FirstUseBuilds(t.service, Optional.of(jobs));
  }

  @AfterEach
  void tearDown() {
    jobs.close();
    t.close();
  }

  private static CreateSessionRequest request(Optional<String> id) {
    return new CreateSessionRequest(
        id.map(SessionId::of), Optional.of("app"), Optional.empty(), Map.of(), true);
  }

  private static void assertConflict(Runnable create) {
    assertThatThrownBy(create::run)
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("session 'taken' already exists (RUNNING)")
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void aTakenIdIs409BeforeThePreconditionsAndBeforeAnyBuild() {
    t.create("taken", "app");
    int preflights = t.runtime.preflighted().size();

    t.runtime.preflightFinds(new PreflightProblem.ImageNotBuilt("app", "berth/app:latest"));
    assertConflict(() -> t.service.create(request(Optional.of("taken"))));
    assertConflict(() -> builds.create(request(Optional.of("taken")), false));
    assertConflict(() -> builds.create(request(Optional.of("taken")), true));
    assertThat(jobs.list()).as("build jobs").isEmpty();
    assertThat(engineCalls).as("calls to the engine").hasValue(0);

    t.runtime.preflightFinds(new PreflightProblem.Unmet("the host has no such program"));
    assertConflict(() -> t.service.create(request(Optional.of("taken"))));
    assertThat(t.runtime.preflighted()).as("backend checks of a taken id").hasSize(preflights);
    assertThat(t.runtime.calls("prepare")).as("workspaces prepared").isEqualTo(1);
  }

  @Test
  void oneCreateWithBuildOnFirstUseChecksAndMakesTheSameSession() {
    var created = builds.create(request(Optional.empty()), true);
    SessionId id = created.created().session().id();
    assertThat(created.build()).as("nothing to build").isEmpty();
    assertThat(t.runtime.preflighted())
        .as("every check was about the session made")
        .containsOnly(id);
  }
}
