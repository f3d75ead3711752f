package dev.berth.runtime.local;

import static dev.berth.runtime.local.LocalSessions.alive;
import static dev.berth.runtime.local.LocalSessions.containers;
import static dev.berth.runtime.local.LocalSessions.create;
import static dev.berth.runtime.local.LocalSessions.exec;
import static dev.berth.runtime.local.LocalSessions.pid;
import static dev.berth.runtime.local.LocalSessions.processesOf;
import static dev.berth.runtime.local.LocalSessions.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.base.SessionId;
import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.reconcile.SessionReconciler;
import dev.berth.runtime.ContainerStatus.Phase;
import dev.berth.service.TestServices;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session of several containers on the local backend, through the service and the reconciler,
 * with real processes: a processor writes a file, a plugin transforms it, a merger reads the result
 * (and is ready only once it is there); a killed plugin is started again alone; a manual container
 * starts and stops on request; a stop and a delete leave no process of any container.
 */
class LocalPipelineTest {
  private static final List<String> AUTO = List.of("app", "processor", "plugin", "merger");

  @TempDir Path home;

  /** Each process writes its pid to {@code <name>.pid}, then stays as the same pid. */
  @BeforeEach
  void templates() throws Exception {
    LocalSessions.template(
        home,
        "pipe",
        """
        shell: "echo $$ > app.pid; exec sleep 600"
        restart: {limit: 2, backoff: 200ms, maxBackoff: 400ms}
        containers:
          processor:
            shell: "echo $$ > processor.pid; echo processing; echo 'hello pipeline' > in.part && mv in.part in.txt; exec sleep 600"
          plugin:
            after: [processor]
            shell: "echo $$ > plugin.pid; echo up >> plugin-starts; until [ -f in.txt ]; do sleep 0.1; done; tr a-z A-Z < in.txt > out.part && mv out.part out.txt; exec sleep 600"
          merger:
            after: [plugin]
            probe: {exec: [test, -s, result.txt]}
            shell: "echo $$ > merger.pid; until [ -f out.txt ]; do sleep 0.1; done; (echo merged; cat out.txt) > result.part && mv result.part result.txt; exec sleep 600"
          inspector:
            start: manual
            shell: "echo $$ > inspector.pid; (sleep 600 &); exec sleep 600"
        """);
  }

  private static Map<String, Long> pids(TestServices t, String id, List<String> names) {
    Map<String, Long> out = new LinkedHashMap<>();
    names.forEach(n -> out.put(n, pid(t, id, n)));
    return out;
  }

  private static Map<String, Phase> phases(TestServices t, String id) {
    Map<String, Phase> out = new LinkedHashMap<>();
    containers(t, id).forEach((type, c) -> out.put(type, c.phase()));
    return out;
  }

  @Test
  void threeContainersRunInOrderOnOneWorkspaceAndTheSessionIsReadyOnceTheMergerIs() {
    try (var t = new TestServices(home)) {
      assertThat(create(t, "pipe-1", "pipe", true).status()).isEqualTo(SessionStatus.RUNNING);
      // RUNNING only once the merger's probe passed: its result is there at once
      assertThat(read(t, "pipe-1", "result.txt")).isEqualTo("merged\nHELLO PIPELINE\n");
      assertThat(phases(t, "pipe-1"))
          .containsExactly(
              Map.entry("session", Phase.RUNNING),
              Map.entry("processor", Phase.RUNNING),
              Map.entry("plugin", Phase.RUNNING),
              Map.entry("merger", Phase.RUNNING),
              Map.entry("inspector", Phase.MISSING));
      assertThat(pids(t, "pipe-1", AUTO).values())
          .allMatch(LocalSessions::alive)
          .doesNotHaveDuplicates();
      assertThat(exec(t, "pipe-1", "merger", "echo \"$BERTH_CONTAINER\" \"$BERTH_HOST_PLUGIN\""))
          .isEqualTo("merger 127.0.0.1\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  t.service
                      .containers()
                      .logTail(SessionId.of("pipe-1"), "processor", 10)
                      .contains("processing"));
      assertThat(t.service.containers().logTail(SessionId.of("pipe-1"), "merger", 10))
          .doesNotContain("processing");
    }
  }

  @Test
  void aKilledPluginIsStartedAgainAloneAndTheAppKeepsItsPid() {
    try (var t = new TestServices(home)) {
      SessionId id = SessionId.of("pipe-2");
      create(t, "pipe-2", "pipe", true);
      Map<String, Long> before = pids(t, "pipe-2", AUTO);
      ProcessHandle.of(before.get("plugin")).orElseThrow().destroyForcibly(); // a crash: 137
      var reconciler = new SessionReconciler(t.service, ReconcileMetrics.NONE);
      // the first pass that sees it ended backs off: meanwhile the session says which is down
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                reconciler.reconcile(id);
                assertThat(t.service.get(id).statusReason())
                    .startsWith("container 'plugin' exited with code 137; restart 1 of 2 in ");
              });
      assertThat(t.service.get(id).status()).isEqualTo(SessionStatus.RUNNING);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () -> {
                reconciler.reconcile(id);
                assertThat(read(t, "pipe-2", "plugin-starts")).isEqualTo("up\nup\n");
              });
      long plugin = pid(t, "pipe-2", "plugin");
      assertThat(plugin).isNotEqualTo(before.get("plugin"));
      assertThat(alive(plugin)).isTrue();
      for (String other : List.of("app", "processor", "merger")) {
        assertThat(pid(t, "pipe-2", other))
            .as(other + " keeps its pid")
            .isEqualTo(before.get(other));
        assertThat(alive(before.get(other))).as(other + " still runs").isTrue();
      }
      assertThat(t.service.get(id).status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(t.service.get(id).statusReason()).as("cleared once it is back").isEmpty();
      assertThat(phases(t, "pipe-2")).containsEntry("plugin", Phase.RUNNING);
      assertThat(t.service.events(id, 0, 1000))
          .extracting(SessionEvent::message)
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains("restarting container 'plugin' alone", "exited with code 137"));
    }
  }

  @Test
  void aManualContainerStartsAndStopsOnRequestAndIsNotRestarted() {
    try (var t = new TestServices(home)) {
      SessionId id = SessionId.of("pipe-3");
      create(t, "pipe-3", "pipe", true);
      long app = pid(t, "pipe-3", "app");
      t.service.containers().start(id, "inspector");
      assertThat(phases(t, "pipe-3")).containsEntry("inspector", Phase.RUNNING);
      long inspector = pid(t, "pipe-3", "inspector");
      assertThat(alive(inspector)).isTrue();

      var listed = t.service.containers().stop(id, "inspector");
      assertThat(listed)
          .anySatisfy(
              c -> {
                assertThat(c.type()).isEqualTo("inspector");
                assertThat(c.phase()).isEqualTo(Phase.STOPPED);
              });
      assertThat(alive(inspector)).isFalse();
      var reconciler = new SessionReconciler(t.service, ReconcileMetrics.NONE);
      reconciler.reconcile(id);
      reconciler.reconcile(id);
      assertThat(phases(t, "pipe-3")).containsEntry("inspector", Phase.STOPPED);
      assertThat(alive(app)).as("the app is left alone").isTrue();
      assertThat(t.service.get(id).status()).isEqualTo(SessionStatus.RUNNING);
    }
  }

  @Test
  void aStopAndADeleteLeaveNoProcessOfAnyContainer() {
    try (var t = new TestServices(home)) {
      SessionId id = SessionId.of("pipe-4");
      create(t, "pipe-4", "pipe", true);
      t.service.containers().start(id, "inspector"); // its shell left a sleep in the background
      List<String> all = List.of("app", "processor", "plugin", "merger", "inspector");
      Map<String, Long> first = pids(t, "pipe-4", all);
      assertThat(processesOf("test", "pipe-4")).hasSizeGreaterThan(all.size());

      assertThat(t.service.stop(id).status()).isEqualTo(SessionStatus.STOPPED);
      assertThat(first.values()).noneMatch(LocalSessions::alive);
      assertThat(processesOf("test", "pipe-4")).isEmpty();
      assertThat(phases(t, "pipe-4").values()).containsOnly(Phase.STOPPED);

      assertThat(t.service.start(id).status()).isEqualTo(SessionStatus.RUNNING);
      // each process writes its new pid over the one of the first start
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pids(t, "pipe-4", AUTO).values().stream().allMatch(LocalSessions::alive));
      Map<String, Long> second = pids(t, "pipe-4", AUTO);
      assertThat(phases(t, "pipe-4")).containsEntry("inspector", Phase.STOPPED);
      SessionCleanupReceipt receipt = t.service.delete(id);
      assertThat(receipt.failed()).isEmpty();
      assertThat(second.values()).noneMatch(LocalSessions::alive);
      assertThat(processesOf("test", "pipe-4")).isEmpty();
    }
  }
}
