package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.runtime.ProcessSink;
import dev.berth.runtime.ProcessSpec;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.StdinMode;
import dev.berth.runtime.TestTemplates;
import dev.berth.runtime.WorkspacePath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fallback that ends a process's handle when its container stops even if the engine keeps the
 * exec's stream open (seen under gVisor). An engine that does so cannot be made to order, so the
 * watcher is pointed at another session's container, whose stop the process does not notice.
 */
@ExtendWith(DockerTestSupport.class)
class ContainerStopsTest {
  static DockerEngine engine;
  static String prefix;
  static DockerRuntime runtime;
  private final List<RuntimeSession> made = new ArrayList<>();

  @BeforeAll
  static void connect() {
    engine = DockerTestSupport.engine();
    prefix = DockerTestSupport.newPrefix();
    runtime = DockerTestSupport.runtime(engine, prefix, SessionNetworks.PER_SESSION);
  }

  @AfterAll
  static void removeEverything() {
    if (engine != null) {
      DockerTestSupport.removeEverything(engine, prefix);
      engine.close();
    }
  }

  @AfterEach
  void destroy() {
    made.reversed().forEach(s -> runtime.destroy(s));
  }

  private RuntimeSession running() {
    var template =
        TestTemplates.with(
            "stops", Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty());
    var fresh = RuntimeSession.fresh(SessionId.generate(), template, Map.of("suite", "stops"));
    var prepared = fresh.withState(runtime.prepare(fresh));
    made.add(prepared);
    var started = prepared.withState(runtime.start(prepared).state());
    made.add(started);
    return started;
  }

  private static DockerProcess sleeper(RuntimeSession s) {
    return (DockerProcess)
        runtime
            .workspace(s)
            .start(
                new ProcessSpec(
                    List.of("sleep", "600"),
                    WorkspacePath.ROOT,
                    Map.of(),
                    Optional.empty(),
                    StdinMode.none()),
                ProcessSink.discard());
  }

  @Test
  void aStopOfTheWatchedContainerEndsAHandleWhoseStreamStaysOpen() {
    RuntimeSession here = running();
    RuntimeSession other = running();
    String otherId = other.state().get(DockerNames.KEY_CONTAINER);
    try (DockerProcess p = sleeper(here)) {
      ContainerStops.watch(engine, otherId, p);
      assertThat(ContainerStops.watching(otherId)).isTrue();

      runtime.stop(other, Duration.ofSeconds(5));

      assertThat(p.exit()).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(-1);
      await().atMost(Duration.ofSeconds(10)).until(() -> !ContainerStops.watching(otherId));
    }
  }

  @Test
  void theWatcherGoesWithTheContainersLastProcess() {
    RuntimeSession s = running();
    String id =
        engine.client.inspectContainerCmd(s.state().get(DockerNames.KEY_CONTAINER)).exec().getId();
    DockerProcess first = sleeper(s);
    DockerProcess second = sleeper(s);
    assertThat(ContainerStops.watching(id)).isTrue();
    first.kill();
    assertThat(ContainerStops.watching(id)).as("one process is left").isTrue();
    second.kill();
    await().atMost(Duration.ofSeconds(10)).until(() -> !ContainerStops.watching(id));
    assertThat(second.exit()).isCompletedWithValue(-1);
  }
}
