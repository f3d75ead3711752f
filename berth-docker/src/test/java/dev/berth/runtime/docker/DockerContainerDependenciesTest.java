package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Backends;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.RuntimeSession;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.AfterCondition;
import dev.berth.template.ContainerDependency;
import dev.berth.template.ContainerStart;
import dev.berth.template.HealthProbe;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code after}'s conditions on a real engine. Every container that waits here reads its input
 * once, at its start, without polling, and writes what it saw to {@code seen.txt}: only a wait that
 * really happened makes it see the input.
 */
class DockerContainerDependenciesTest extends DockerTestBase {
  @TempDir Path home;
  private Registry registry;
  private SessionService service;

  @AfterEach
  void closeService() {
    if (registry == null) {
      return;
    }
    for (Session s : registry.sessions().list(SessionFilter.ALL_LIVE)) {
      try {
        service.delete(s.id());
      } catch (RuntimeException ignored) {
        // removeEverything catches what is left
      }
    }
    registry.close();
  }

  private static Template pipeline(String name, SessionContainer first, SessionContainer then) {
    return Templates.plain(name).toBuilder()
        .containers(SessionContainers.ordered(List.of(first, then)))
        .build();
  }

  /** Reads {@code file} once, at its start, into {@code seen.txt}, and keeps running. */
  private static SessionContainer readerOf(String file, AfterCondition condition) {
    return SessionContainer.of(
            "plugin",
            Pipelines.sh(
                "cat "
                    + file
                    + " > seen.txt 2>/dev/null || echo missing > seen.txt; exec sleep 1d"))
        .waitingFor(List.of(new ContainerDependency("processor", condition)));
  }

  private static HealthProbe.Exec fileProbe(String file) {
    return new HealthProbe.Exec(List.of("test", "-f", file), Duration.ofSeconds(20));
  }

  private static String seen(RuntimeSession s) {
    await().atMost(Duration.ofSeconds(10)).until(() -> sh(s, "test -f seen.txt").exitCode() == 0);
    return read(s, "seen.txt");
  }

  private static Instant startedAt(RuntimeSession s, String type) {
    String name = DockerMultiContainerTest.byType(s).get(type).name();
    return Instant.parse(engine.client.inspectContainerCmd(name).exec().getState().getStartedAt());
  }

  /** The session's containers that run now, found by its label. */
  private static List<String> running(String handle) {
    return engine
        .client
        .listContainersCmd()
        .withLabelFilter(Map.of(DockerLabels.SESSION, handle))
        .exec()
        .stream()
        .map(Container::getNames)
        .map(names -> String.join(",", names))
        .toList();
  }

  @Test
  void doneWaitsForTheStepToEndWithCodeZeroThenStartsTheOneAfterIt() {
    var processor =
        SessionContainer.of("processor", Pipelines.sh("sleep 1; echo 'from the step' > in.txt"));
    RuntimeSession s =
        started(pipeline("dep-done", processor, readerOf("in.txt", AfterCondition.DONE)));

    assertThat(seen(s))
        .as("the plugin started once the step had ended")
        .isEqualTo("from the step\n");
    var seen = DockerMultiContainerTest.byType(s);
    assertThat(seen.get("processor").phase()).isEqualTo(ContainerStatus.Phase.EXITED);
    assertThat(seen.get("processor").exitCode()).hasValue(0);
    assertThat(seen.get("plugin").phase()).isEqualTo(ContainerStatus.Phase.RUNNING);
  }

  /**
   * Through the service, as a create runs it: the step's exit 1 fails the start naming it, its code
   * and its output, the plugin is never made, and nothing of the session runs (FAILED runs
   * nothing).
   */
  @Test
  void doneOnAStepThatExitsWithOneFailsTheStartAndLeavesNothingRunning() {
    var processor =
        SessionContainer.of("processor", Pipelines.sh("echo 'cannot read the input' >&2; exit 1"));
    Template t = pipeline("dep-fail", processor, readerOf("in.txt", AfterCondition.DONE));
    useService(t);

    Session s =
        service
            .create(
                new CreateSessionRequest(
                    Optional.empty(), Optional.of("dep-fail"), Optional.empty(), Map.of(), true))
            .session();

    assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(s.statusReason())
        .contains("container 'processor' (" + prefix + "-processor-dep-fail-" + s.handle())
        .contains("exited with code 1")
        .contains("'plugin' waits for it to be done (after: {processor: done}) and was not started")
        .contains("last output of 'processor': cannot read the input");
    assertThat(running(s.handle())).as("containers of the FAILED session still running").isEmpty();
    assertThat(
            engine
                .client
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(
                    Map.of(DockerLabels.SESSION, s.handle(), DockerLabels.TYPE, "plugin"))
                .exec())
        .as("the container waiting for the step was never made")
        .isEmpty();
  }

  /**
   * A step with a probe that another waits for with done is done once it ends with code 0: the
   * session's readiness does not take its end for a failure (without the wait, a container with a
   * probe is meant to stay up).
   */
  @Test
  void aStepWithAProbeThatIsWaitedForWithDoneEndsWithoutFailingTheSession() {
    var processor =
        SessionContainer.of("processor", Pipelines.sh("echo 'from the step' > in.txt"))
            .withProbe(Optional.of(fileProbe("in.txt")), List.of());
    useService(pipeline("dep-probed-step", processor, readerOf("in.txt", AfterCondition.DONE)));

    Session s =
        service
            .create(
                new CreateSessionRequest(
                    Optional.empty(),
                    Optional.of("dep-probed-step"),
                    Optional.empty(),
                    Map.of(),
                    true))
            .session();

    assertThat(s.status()).as(s.statusReason()).isEqualTo(SessionStatus.RUNNING);
  }

  @Test
  void readyWaitsForTheDependencysProbe() {
    var processor =
        SessionContainer.of("processor", Pipelines.sh("sleep 2; touch ready; exec sleep 1d"))
            .withProbe(Optional.of(fileProbe("ready")), List.of());
    RuntimeSession s =
        started(pipeline("dep-ready", processor, readerOf("ready", AfterCondition.READY)));

    assertThat(seen(s)).as("'ready' was there when the plugin started").isEmpty();
    assertThat(Duration.between(startedAt(s, "processor"), startedAt(s, "plugin")))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1800));
    assertThat(DockerMultiContainerTest.byType(s).get("processor").running()).isTrue();
  }

  @Test
  void readyWithoutAProbeWaitsForTheFirstPortToAnswer() {
    var processor =
        SessionContainer.of(
                "processor", Pipelines.sh("sleep 1; echo up > up.txt; exec httpd -f -p 8081 -h /"))
            .withProbe(Optional.empty(), List.of(8081));
    RuntimeSession s =
        started(pipeline("dep-port", processor, readerOf("up.txt", AfterCondition.READY)));

    assertThat(seen(s)).isEqualTo("up\n");
  }

  /**
   * The list form only orders the starts, as it always did: a dependency that stays up without a
   * probe or ports (it is never done, nothing says it is ready) does not hold the start back, and
   * through the service the session runs.
   */
  @Test
  void theListFormStartsTheNextAfterADependencyThatNeverGetsReady() {
    var processor = SessionContainer.of("processor", Pipelines.sh("exec sleep infinity"));
    var plugin =
        SessionContainer.of("plugin", Pipelines.sh("echo started > seen.txt; exec sleep 1d"))
            .after(List.of("processor"));
    Template t =
        pipeline("dep-list", processor, plugin).toBuilder()
            .probe(new HealthProbe.Exec(List.of("true"), Duration.ofSeconds(5)))
            .build();
    useService(t);

    Session s =
        service
            .create(
                new CreateSessionRequest(
                    Optional.empty(), Optional.of("dep-list"), Optional.empty(), Map.of(), true))
            .session();

    assertThat(s.status()).as(s.statusReason()).isEqualTo(SessionStatus.RUNNING);
    assertThat(running(s.handle())).hasSize(3);
  }

  @Test
  void aDependencyNotReadyWithinTheStartTimeoutFailsTheStartNamingIt() {
    var processor =
        SessionContainer.of("processor", Pipelines.sh("exec sleep 1d"))
            .withProbe(Optional.of(fileProbe("never")), List.of());
    Template t =
        pipeline("dep-slow", processor, readerOf("never", AfterCondition.READY)).toBuilder()
            .probe(new HealthProbe.Exec(List.of("true"), Duration.ofSeconds(3)))
            .build();
    RuntimeSession s = prepared(t);

    Instant before = Instant.now();
    assertThatThrownBy(() -> runtime.start(s))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("container 'processor'")
        .hasMessageContaining("was not ready within the start timeout (3s)")
        .hasMessageContaining("probe command exited with 1");
    assertThat(Duration.between(before, Instant.now()))
        .as("the template's start timeout bounds the wait")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(DockerMultiContainerTest.byType(s).get("plugin").phase())
        .isEqualTo(ContainerStatus.Phase.MISSING);
  }

  @Test
  void readyOnTheMainContainerWaitsForTheTemplatesProbe() {
    Template t =
        Templates.plain("dep-main").toBuilder()
            .command(Pipelines.sh("sleep 2; echo main > main.txt; exec sleep 1d"))
            .probe(new HealthProbe.Exec(List.of("test", "-f", "main.txt"), Duration.ofSeconds(20)))
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of(
                                "plugin",
                                Pipelines.sh(
                                    "cat main.txt > seen.txt 2>/dev/null || echo missing >"
                                        + " seen.txt; exec sleep 1d"))
                            .waitingFor(
                                List.of(
                                    new ContainerDependency(
                                        SessionContainer.MAIN, AfterCondition.READY))))))
            .build();
    RuntimeSession s = started(t);

    assertThat(seen(s)).isEqualTo("main\n");
  }

  /**
   * Started alone, a container first starts what it waits for that neither runs nor is done, and a
   * step that is done is not run again.
   */
  @Test
  void aContainerStartedAloneStartsWhatItWaitsForFirstAndNeverRerunsADoneStep() {
    var processor =
        SessionContainer.of("processor", Pipelines.sh("touch in.txt; exec sleep 1d"))
            .withProbe(Optional.of(fileProbe("in.txt")), List.of());
    var step = SessionContainer.of("step", Pipelines.sh("echo done > step.txt"));
    var reader =
        SessionContainer.of(
                "reader",
                Pipelines.sh(
                    "cat step.txt > seen.txt; test -f in.txt && echo input >> seen.txt;"
                        + " exec sleep 1d"))
            .waitingFor(
                List.of(
                    new ContainerDependency("processor", AfterCondition.READY),
                    new ContainerDependency("step", AfterCondition.DONE)))
            .starting(ContainerStart.MANUAL);
    Template t =
        Templates.plain("dep-alone").toBuilder()
            .containers(SessionContainers.ordered(List.of(processor, step, reader)))
            .build();
    RuntimeSession s = started(t);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                DockerMultiContainerTest.byType(s).get("step").phase()
                    == ContainerStatus.Phase.EXITED);
    Instant stepRan = startedAt(s, "step");
    RuntimeSession stopped =
        s.withState(runtime.stopContainer(s, "processor", Duration.ofSeconds(1)));
    sh(stopped, "rm in.txt");

    RuntimeSession r = stopped.withState(runtime.startContainer(stopped, "reader"));

    assertThat(seen(r)).isEqualTo("done\ninput\n");
    var seen = DockerMultiContainerTest.byType(r);
    assertThat(seen.get("processor").phase())
        .as("the stopped dependency was started first")
        .isEqualTo(ContainerStatus.Phase.RUNNING);
    assertThat(seen.get("step").phase()).isEqualTo(ContainerStatus.Phase.EXITED);
    assertThat(startedAt(r, "step")).as("the done step did not run again").isEqualTo(stepRan);
  }

  private void useService(Template t) {
    registry = Registry.openSqlite(home.resolve("berth.db"));
    service =
        new SessionService(
            registry,
            Backends.of(runtime),
            new TemplateCatalog(Map.of(t.name(), t)),
            new Tokens(registry.tokens(), Clock.systemUTC()),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS);
  }
}
