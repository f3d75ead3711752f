package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.berth.auth.Tokens;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.reconcile.Reconciler;
import dev.berth.reconcile.SessionLife;
import dev.berth.reconcile.SessionReconciler;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Backends;
import dev.berth.runtime.ExecRequest;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.ExecCommand;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.ContainerStart;
import dev.berth.template.RestartPolicy;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extra container removed while its session runs ({@code docker rm -f}) is made again alone by
 * the reconciler, on a real engine, as one that crashed is started again: the main container and
 * the other containers keep running untouched, the session's status reason and life name the
 * container while it is down and say nothing once it is back, and past the restart limit the
 * session goes FAILED naming it with nothing left running. A {@code manual} container that was
 * never started, or was stopped (on request, or with its session), is never made or started by the
 * reconciler.
 */
class DockerLostContainerTest extends DockerTestBase {
  private static final RestartPolicy QUICK =
      new RestartPolicy(
          RestartPolicy.Mode.ON_FAILURE, 2, Duration.ofMillis(200), Duration.ofMillis(400));
  private static final String GONE =
      "container 'plugin' was removed while its session ran (not by Berth)";

  @TempDir Path home;
  private Registry registry;
  private SessionService service;
  private SessionReconciler reconciler;

  @BeforeEach
  void setUp() {
    Template pipeline =
        Templates.plain("lost").toBuilder()
            .restart(QUICK)
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("processor", Pipelines.sh("exec sleep infinity")),
                        SessionContainer.of(
                            "plugin",
                            Pipelines.sh("echo up >> plugin-starts; exec sleep infinity")),
                        SessionContainer.of("inspector", Pipelines.sh("exec sleep infinity"))
                            .starting(ContainerStart.MANUAL))))
            .build();
    registry = Registry.openSqlite(home.resolve("berth.db"));
    service =
        new SessionService(
            registry,
            Backends.of(runtime),
            new TemplateCatalog(Map.of("lost", pipeline)),
            new Tokens(registry.tokens(), Clock.systemUTC()),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS);
    reconciler = new SessionReconciler(service, ReconcileMetrics.NONE);
  }

  @AfterEach
  void tearDown() {
    for (Session s : registry.sessions().list(SessionFilter.ALL_LIVE)) {
      try {
        service.delete(s.id());
      } catch (RuntimeException ignored) {
        // removeEverything catches what is left
      }
    }
    registry.close();
  }

  private Session running() {
    var created =
        service.create(
            new CreateSessionRequest(
                Optional.empty(), Optional.of("lost"), Optional.empty(), Map.of(), true));
    assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
    return created.session();
  }

  /** The session's containers of {@code type} (none or one), found by their labels. */
  private static List<Container> containers(Session s, String type) {
    return engine
        .client
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(DockerLabels.SESSION, s.handle(), DockerLabels.TYPE, type))
        .exec();
  }

  private static InspectContainerResponse container(Session s, String type) {
    List<Container> found = containers(s, type);
    assertThat(found).as(type).hasSize(1);
    return engine.client.inspectContainerCmd(found.get(0).getId()).exec();
  }

  private static boolean runs(Session s, String type) {
    return containers(s, type).stream()
        .anyMatch(
            c ->
                Boolean.TRUE.equals(
                    engine.client.inspectContainerCmd(c.getId()).exec().getState().getRunning()));
  }

  /** What someone outside Berth does: {@code docker rm -f} of the session's container. */
  private static void removeBehindBerthsBack(Session s, String type) {
    for (Container c : containers(s, type)) {
      engine.client.removeContainerCmd(c.getId()).withForce(true).exec();
    }
  }

  private String starts(Session s) {
    var r =
        service
            .workspace()
            .exec(
                s.id(),
                new ExecCommand(
                    ExecRequest.shell("cat plugin-starts"),
                    Optional.empty(),
                    Map.of(),
                    new byte[0],
                    Optional.of(Duration.ofSeconds(20))));
    return new String(r.stdout(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private String life(Session s) {
    return SessionLife.of(service, service.get(s.id())).explanation();
  }

  @Test
  void aRemovedPluginIsMadeAgainAloneAndTheReasonNamesItUntilItIsBack() {
    Session s = running();
    var main = container(s, SessionContainer.MAIN);
    var processor = container(s, "processor");
    var plugin = container(s, "plugin");
    assertThat(starts(s)).isEqualTo("up\n");
    assertThat(service.get(s.id()).statusReason()).isEmpty();

    removeBehindBerthsBack(s, "plugin");
    // the first pass that sees it gone backs off first: meanwhile the session says why
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              reconciler.reconcile(s.id());
              Session now = service.get(s.id());
              assertThat(now.status()).isEqualTo(SessionStatus.RUNNING);
              assertThat(now.statusReason()).startsWith(GONE + "; restart 1 of 2 in ");
              assertThat(life(s)).startsWith("running, but " + GONE + "; restart 1 of 2");
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              reconciler.reconcile(s.id());
              assertThat(starts(s)).isEqualTo("up\nup\n");
            });

    var pluginAfter = container(s, "plugin");
    assertThat(pluginAfter.getState().getRunning()).isTrue();
    assertThat(pluginAfter.getId()).as("made again").isNotEqualTo(plugin.getId());
    assertThat(pluginAfter.getName()).as("under its own name").isEqualTo(plugin.getName());
    for (var before : List.of(main, processor)) {
      var after = engine.client.inspectContainerCmd(before.getId()).exec();
      assertThat(after.getState().getRunning()).as(before.getName()).isTrue();
      assertThat(after.getState().getStartedAt())
          .as(before.getName() + " was not restarted")
          .isEqualTo(before.getState().getStartedAt());
    }
    Session now = service.get(s.id());
    assertThat(now.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(now.statusReason()).as("cleared once it is back").isEmpty();
    assertThat(life(s)).doesNotContain("running, but");
    assertThat(containers(s, "inspector")).as("a manual one never asked for is not made").isEmpty();
    assertThat(service.events(s.id(), 0, 1000))
        .anySatisfy(
            e ->
                assertThat(e.message())
                    .isEqualTo("restarting container 'plugin' alone: " + GONE + "; restart 1 of 2"))
        .anySatisfy(e -> assertThat(e.message()).contains("running").contains(", but " + GONE));
  }

  /**
   * Without a periodic pass in the test's time: the engine's events for the removal, and the
   * reconciler's own wake-up when the backoff is over, bring it back.
   */
  @Test
  void theRunningReconcilerMakesItAgainOnTheEnginesEventsWithoutAPeriodicPass() {
    Session s = running();
    var orphans =
        new OrphanCollector(
            registry.sessions(),
            registry.pools(),
            service.backends(),
            Clock.systemUTC(),
            service::exclusive);
    try (var loop =
        new Reconciler(
            service, orphans, Duration.ofHours(1), Duration.ofHours(1), ReconcileMetrics.NONE)) {
      loop.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> starts(s).equals("up\n"));
      removeBehindBerthsBack(s, "plugin");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> starts(s).equals("up\nup\n"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> service.get(s.id()).statusReason().isEmpty());
    }
    assertThat(service.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(runs(s, "plugin")).isTrue();
  }

  @Test
  void aManualContainerStoppedOnRequestOrWithItsSessionStaysStopped() {
    Session s = running();
    service.containers().start(s.id(), "inspector");
    assertThat(runs(s, "inspector")).isTrue();
    service.containers().stop(s.id(), "inspector");
    stays(s, () -> !runs(s, "inspector"));
    removeBehindBerthsBack(s, "inspector");
    stays(s, () -> containers(s, "inspector").isEmpty());

    // started on request again, then the session is stopped and started as a whole: a start
    // starts the auto containers only, and the manual one that ended with the stop is no crash
    service.containers().start(s.id(), "inspector");
    assertThat(runs(s, "inspector")).isTrue();
    service.stop(s.id());
    assertThat(service.start(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(runs(s, "plugin")).isTrue();
    stays(s, () -> !runs(s, "inspector"));
  }

  /**
   * Reconciles again and again for well past the backoff (a restart would be due several times
   * over): {@code holds} and an empty status reason must hold throughout.
   */
  private void stays(Session s, java.util.concurrent.Callable<Boolean> holds) {
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              reconciler.reconcile(s.id());
              Session now = service.get(s.id());
              return holds.call()
                  && now.status() == SessionStatus.RUNNING
                  && now.statusReason().isEmpty();
            });
  }

  @Test
  void aPluginRemovedPastTheLimitFailsTheSessionNamingItAndNothingRuns() {
    Session s = running();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              removeBehindBerthsBack(s, "plugin"); // again each time it is made again
              reconciler.reconcile(s.id());
              assertThat(service.get(s.id()).status()).isEqualTo(SessionStatus.FAILED);
            });
    assertThat(service.get(s.id()).statusReason()).isEqualTo(GONE + " (gave up after 2 restarts)");
    assertThat(service.events(s.id(), 0, 1000))
        .as("made again twice before it gave up")
        .filteredOn(e -> e.message().startsWith("restarting container 'plugin' alone: " + GONE))
        .hasSize(2);
    for (String type : List.of(SessionContainer.MAIN, "processor", "plugin", "inspector")) {
      assertThat(runs(s, type)).as(type + " still runs").isFalse();
    }
  }
}
