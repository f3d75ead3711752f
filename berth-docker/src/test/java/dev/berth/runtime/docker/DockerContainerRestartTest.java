package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.berth.auth.Tokens;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.reconcile.Reconciler;
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
 * The reconciler restarts a crashed extra container alone, on a real engine: the main container and
 * the other extra containers keep running untouched (same container, same start time), and past the
 * template's restart limit the session goes FAILED naming the container, with nothing of it left
 * running.
 */
class DockerContainerRestartTest extends DockerTestBase {
  /** Quick backoff, so the test waits seconds, not the default policy's minute. */
  private static final RestartPolicy QUICK =
      new RestartPolicy(
          RestartPolicy.Mode.ON_FAILURE, 2, Duration.ofMillis(200), Duration.ofMillis(400));

  @TempDir Path home;
  private Registry registry;
  private SessionService service;
  private SessionReconciler reconciler;

  @BeforeEach
  void setUp() {
    // The plugin runs until a file named crash is in the workspace; then every start of it ends
    // with code 3 at once.
    Template pipeline =
        Templates.plain("restarts").toBuilder()
            .restart(QUICK)
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("processor", Pipelines.sh("exec sleep infinity")),
                        SessionContainer.of(
                            "plugin",
                            Pipelines.sh(
                                "if [ -f crash ]; then exit 3; fi; echo up >> plugin-starts;"
                                    + " exec sleep infinity")))))
            .build();
    registry = Registry.openSqlite(home.resolve("berth.db"));
    service =
        new SessionService(
            registry,
            Backends.of(runtime),
            new TemplateCatalog(
                Map.of("restarts", pipeline, "steps", steps(), "watched", watched())),
            new Tokens(registry.tokens(), Clock.systemUTC()),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS);
    reconciler = new SessionReconciler(service, ReconcileMetrics.NONE);
  }

  /**
   * A processor that does its work and ends with code 0, and a merger that waits for it: a step
   * that finished, not a failure.
   */
  private static Template steps() {
    return Templates.plain("steps").toBuilder()
        .restart(QUICK)
        .containers(
            SessionContainers.ordered(
                List.of(
                    SessionContainer.of("processor", Pipelines.sh("echo done > step.txt")),
                    SessionContainer.of(
                            "merger",
                            Pipelines.sh(
                                "until [ -f step.txt ]; do sleep 0.1; done;"
                                    + " exec sleep infinity"))
                        .after(List.of("processor")))))
        .build();
  }

  /**
   * A plugin whose server runs in the background of a shell that stays: killing the server leaves
   * the container running and its probe failing, which only a health check sees.
   */
  private static Template watched() {
    return Templates.plain("watched").toBuilder()
        .restart(QUICK)
        .health(
            new dev.berth.template.HealthCheck(Duration.ofMillis(500), Duration.ofSeconds(1), 2))
        .containers(
            SessionContainers.ordered(
                List.of(
                    SessionContainer.of(
                            "plugin", Pipelines.sh("httpd -p 8081 -h /; exec sleep infinity"))
                        .withProbe(
                            Optional.of(
                                new dev.berth.template.HealthProbe.Tcp(
                                    8081, Duration.ofSeconds(20))),
                            List.of(8081)))))
        .build();
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
    return running("restarts");
  }

  private Session running(String template) {
    var created =
        service.create(
            new CreateSessionRequest(
                Optional.empty(), Optional.of(template), Optional.empty(), Map.of(), true));
    assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
    return created.session();
  }

  /** The session's container of {@code type}, found by its labels. */
  private static InspectContainerResponse container(Session s, String type) {
    List<Container> found =
        engine
            .client
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(DockerLabels.SESSION, s.handle(), DockerLabels.TYPE, type))
            .exec();
    assertThat(found).as(type).hasSize(1);
    return engine.client.inspectContainerCmd(found.get(0).getId()).exec();
  }

  private static boolean runs(InspectContainerResponse c) {
    return Boolean.TRUE.equals(c.getState().getRunning());
  }

  /** A shell line in the workspace, through the service as a user runs one. */
  private String sh(Session s, String line) {
    var r =
        service
            .workspace()
            .exec(
                s.id(),
                new ExecCommand(
                    ExecRequest.shell(line),
                    Optional.empty(),
                    Map.of(),
                    new byte[0],
                    Optional.of(Duration.ofSeconds(20))));
    return new String(r.stdout(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private String starts(Session s) {
    return sh(s, "cat plugin-starts");
  }

  @Test
  void aKilledPluginIsRestartedAloneAndTheOthersKeepRunningUntouched() {
    Session s = running();
    var main = container(s, SessionContainer.MAIN);
    var processor = container(s, "processor");
    var plugin = container(s, "plugin");
    assertThat(starts(s)).isEqualTo("up\n");

    engine.client.killContainerCmd(plugin.getId()).exec(); // ends with 137: a crash
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              reconciler.reconcile(s.id());
              assertThat(starts(s)).isEqualTo("up\nup\n");
            });

    var pluginAfter = container(s, "plugin");
    assertThat(runs(pluginAfter)).isTrue();
    assertThat(pluginAfter.getId())
        .as("the same container, started again")
        .isEqualTo(plugin.getId());
    for (var before : List.of(main, processor)) {
      var after = engine.client.inspectContainerCmd(before.getId()).exec();
      assertThat(runs(after)).as(before.getName()).isTrue();
      assertThat(after.getState().getStartedAt())
          .as(before.getName() + " was not restarted")
          .isEqualTo(before.getState().getStartedAt());
    }
    Session now = service.get(s.id());
    assertThat(now.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(service.events(s.id(), 0, 1000))
        .anySatisfy(
            e ->
                assertThat(e.message())
                    .contains("restarting container 'plugin' alone")
                    .contains("exited with code 137"));
  }

  @Test
  void aStepThatEndsWithCodeZeroIsDoneAndIsNotRestarted() {
    Session s = running("steps");
    assertThat(sh(s, "cat step.txt")).isEqualTo("done\n");
    var processor = container(s, "processor");
    assertThat(processor.getState().getExitCodeLong()).isZero();
    reconciler.reconcile(s.id());
    reconciler.reconcile(s.id());
    assertThat(service.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(container(s, "processor").getState().getStartedAt())
        .as("a finished step is left ended under on-failure")
        .isEqualTo(processor.getState().getStartedAt());
  }

  /**
   * An extra container's probe is repeated once the session runs, like the app's: when it fails its
   * threshold of times the session is unhealthy, FAILED with the container named and a restart
   * scheduled by its policy (a live container that stopped answering cannot be told from a hung
   * one, so the session starts over as for a failing app).
   */
  @Test
  void anExtraContainerThatStopsAnsweringItsProbeMakesTheSessionUnhealthyNamingIt() {
    Session s = running("watched");
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
      var killed =
          service
              .workspace()
              .exec(
                  s.id(),
                  "plugin",
                  new ExecCommand(
                      ExecRequest.shell("killall httpd"),
                      Optional.empty(),
                      Map.of(),
                      new byte[0],
                      Optional.of(Duration.ofSeconds(20))));
      assertThat(killed.exitCode()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> service.get(s.id()).status() == SessionStatus.FAILED);
    }
    Session failed = service.get(s.id());
    assertThat(failed.statusReason())
        .contains("its health probe failed")
        .contains("container 'plugin'")
        .contains("restart 1 of 2");
    assertThat(failed.lifecycle().nextRestartAt()).isPresent();
  }

  /**
   * Without a periodic pass in the test's time (an hour apart): only the engine's event for the
   * plugin's end, and the reconciler's own wake-up when the backoff is over, can restart it.
   */
  @Test
  void theRunningReconcilerRestartsItOnTheEnginesEventWithoutAPeriodicPass() {
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
      engine.client.killContainerCmd(container(s, "plugin").getId()).exec();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> starts(s).equals("up\nup\n"));
    }
    assertThat(service.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
  }

  @Test
  void aPluginThatKeepsCrashingFailsTheSessionNamingItAndNothingRuns() {
    Session s = running();
    sh(s, "touch crash");
    engine.client.killContainerCmd(container(s, "plugin").getId()).exec();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              reconciler.reconcile(s.id());
              assertThat(service.get(s.id()).status()).isEqualTo(SessionStatus.FAILED);
            });
    assertThat(service.get(s.id()).statusReason())
        .isEqualTo("container 'plugin' exited with code 3 (gave up after 2 restarts)");
    for (String type : List.of(SessionContainer.MAIN, "processor", "plugin")) {
      assertThat(runs(container(s, type))).as(type + " still runs").isFalse();
    }
  }
}
