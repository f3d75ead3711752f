package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code after}'s two forms: the list (order only, as it always was) and the mapping of types to
 * {@code started}, {@code ready} or {@code done}; and every mistake in them refused at load, naming
 * the containers and what to change.
 */
class AfterConditionsTest {
  @TempDir Path dir;

  private void template(String name, String yaml) throws IOException {
    Files.createDirectories(dir.resolve(name));
    Files.writeString(dir.resolve(name).resolve("template.yaml"), yaml);
  }

  /** The problems of the one template that did not load, as the reload and `templates ls` say. */
  private String problemsOf(String name) {
    var loaded = TemplateLoader.loadReporting(dir);
    assertThat(loaded.catalog().find(name)).as("'" + name + "' does not load").isEmpty();
    return loaded.problems().toString();
  }

  @Test
  void theMappingFormGivesEachDependencyItsCondition() throws IOException {
    template(
        "pipe",
        """
        containers:
          merger:
            command: [merge]
            after: {processor: done, db: ready, cache: started}
          processor: {command: [work]}
          db: {command: [db], probe: {exec: [db-ready]}}
          cache: {command: [cache]}
        """);
    SessionContainers c = TemplateLoader.load(dir).get("pipe").containers();
    assertThat(c.get("merger").orElseThrow().after())
        .containsExactly(
            new ContainerDependency("processor", AfterCondition.DONE),
            new ContainerDependency("db", AfterCondition.READY),
            new ContainerDependency("cache", AfterCondition.STARTED));
    assertThat(c.types()).containsExactly("processor", "db", "cache", "merger");
    assertThat(c.awaitedDone("processor")).isTrue();
    assertThat(c.awaitedDone("db")).isFalse();
  }

  @Test
  void theListFormAndOneNameAreStartedOnlyAndKeepTheirFingerprint() throws IOException {
    template(
        "listed",
        """
        containers:
          a: {command: [a]}
          b: {command: [b], after: [a]}
          c: {command: [c], after: b}
        """);
    template(
        "mapped",
        """
        containers:
          a: {command: [a]}
          b: {command: [b], after: {a: done}}
          c: {command: [c], after: {b: started}}
        """);
    var catalog = TemplateLoader.load(dir);
    SessionContainers listed = catalog.get("listed").containers();
    assertThat(listed.get("b").orElseThrow().after())
        .containsExactly(ContainerDependency.started("a"));
    assertThat(listed.get("c").orElseThrow().after())
        .containsExactly(ContainerDependency.started("b"));
    assertThat(listed.inStartOrder())
        .allSatisfy(x -> assertThat(x.after()).noneMatch(ContainerDependency::waits));
    Template mapped = catalog.get("mapped");
    assertThat(TemplateDefinition.fingerprint(mapped, mapped.containers().get("b").orElseThrow()))
        .as("what is waited for is read at each start, like a probe: no container is made again")
        .isEqualTo(
            TemplateDefinition.fingerprint(catalog.get("listed"), listed.get("b").orElseThrow()));
  }

  @Test
  void anUnknownConditionWordIsRefusedNamingItAndTheWordsThereAre() throws IOException {
    template(
        "typo",
        """
        containers:
          a: {command: [a]}
          b: {command: [b], after: {a: finished}}
        """);
    assertThat(problemsOf("typo"))
        .contains("containers.b: 'after.a' must be started (only the order), ready (its probe")
        .contains("done (it ended with code 0) (got 'finished')");
  }

  @Test
  void anUnknownContainerAndACycleInTheMappingAreRefused() throws IOException {
    template(
        "ghost",
        """
        containers:
          a: {command: [a], after: {ghost: done}}
        """);
    template(
        "loop",
        """
        containers:
          a: {command: [a], after: {c: done}}
          b: {command: [b], after: {a: started}}
          c: {command: [c], after: [b]}
        """);
    assertThat(problemsOf("ghost"))
        .contains("container 'a' starts after 'ghost', which is not one of the template's");
    assertThat(problemsOf("loop")).contains("containers start after each other: a -> c -> b -> a");
  }

  @Test
  void readyOnAContainerWithoutProbeOrPortsIsRefusedNamingBothAndWhatToAdd() throws IOException {
    template(
        "blind",
        """
        containers:
          processor: {command: [work]}
          merger: {command: [merge], after: {processor: ready}}
        """);
    assertThat(problemsOf("blind"))
        .contains(
            "template 'blind': container 'merger' waits for 'processor' to be ready (after:"
                + " {processor: ready}), but 'processor' has no probe and no ports")
        .contains("give 'processor' a probe (e.g. probe: {exec: [test, -f, in.txt]}) or ports");
  }

  @Test
  void readyOnAContainerWithPortsOnlyWaitsForItsFirstPort() throws IOException {
    template(
        "ported",
        """
        containers:
          db: {command: [db], ports: [5432, 9187]}
          app: {command: [app], after: {db: ready}}
        """);
    SessionContainer db = TemplateLoader.load(dir).get("ported").containers().get("db").get();
    assertThat(db.readyProbe()).containsInstanceOf(HealthProbe.Tcp.class);
    assertThat(((HealthProbe.Tcp) db.readyProbe().get()).port()).isEqualTo(5432);
    assertThat(SessionContainer.of("x", List.of()).readyProbe()).isEmpty();
  }

  @Test
  void theMainContainerMayBeReadyWithTheTemplatesProbeNeverDone() throws IOException {
    template(
        "done-main",
        """
        command: [app]
        probe: {exec: [ready]}
        containers:
          a: {command: [a], after: {session: done}}
        """);
    template(
        "blind-main",
        """
        command: [app]
        containers:
          a: {command: [a], after: {session: ready}}
        """);
    template(
        "probed",
        """
        command: [app]
        probe: {exec: [ready]}
        """);
    template(
        "child",
        """
        parent: probed
        containers:
          a: {command: [a], after: {session: ready}}
        """);
    assertThat(problemsOf("done-main"))
        .contains("container 'a' waits for 'session' to be done")
        .contains("the main container runs as long as the session does")
        .contains("wait for it with 'started' or 'ready'");
    assertThat(problemsOf("blind-main"))
        .contains("container 'a' waits for 'session' to be ready")
        .contains("the template has no probe and no ports")
        .contains("give the template a probe or ports");
    assertThat(
            TemplateLoader.loadReporting(dir)
                .catalog()
                .get("child")
                .containers()
                .get("a")
                .orElseThrow()
                .after())
        .as("checked after inheritance: the parent's probe counts")
        .containsExactly(new ContainerDependency("session", AfterCondition.READY));
  }

  @Test
  void aContainerThatStartsWithTheSessionCannotWaitForAManualOne() throws IOException {
    template(
        "manual",
        """
        containers:
          tool: {command: [tool], start: manual}
          app: {command: [app], after: {tool: done}}
          later: {command: [later], start: manual, after: {tool: done}}
        """);
    assertThat(problemsOf("manual"))
        .contains("container 'app' waits for 'tool' to be done")
        .contains("'tool' has start: manual")
        .contains("make 'tool' start: auto, make 'app' start: manual too, or wait for it with")
        .doesNotContain("container 'later'");
  }

  @Test
  void aTemplateMadeInCodeIsCheckedAtCreateToo() {
    Template t =
        Template.builder("coded")
            .command(List.of("app"))
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("processor", List.of("work")),
                        SessionContainer.of("merger", List.of("merge"))
                            .waitingFor(
                                List.of(
                                    new ContainerDependency("processor", AfterCondition.READY))))))
            .build();
    assertThat(TemplateChecks.problems(t))
        .singleElement()
        .asString()
        .contains("container 'merger' waits for 'processor' to be ready");
    Template probed =
        t.toBuilder()
            .containers(
                SessionContainers.ordered(
                    List.of(
                        SessionContainer.of("processor", List.of("work"))
                            .withProbe(
                                Optional.of(
                                    new HealthProbe.Exec(List.of("true"), Duration.ofSeconds(5))),
                                List.of()),
                        SessionContainer.of("merger", List.of("merge"))
                            .waitingFor(
                                List.of(
                                    new ContainerDependency("processor", AfterCondition.READY))))))
            .build();
    assertThat(TemplateChecks.problems(probed)).isEmpty();
  }
}
