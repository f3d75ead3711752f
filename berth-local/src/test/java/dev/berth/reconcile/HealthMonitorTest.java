package dev.berth.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.service.TestServices;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CullSettings;
import dev.berth.session.Session;
import java.lang.Thread.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health probes on the local runtime, beside the reconciler's hold on the same session. */
class HealthMonitorTest {
  @TempDir Path home;

  @Test
  void aProbeDueWhileAReconcilePassHoldsTheSessionRunsOnceThePassEnds() throws Exception {
    Path dir = Files.createDirectories(home.resolve("templates/flaky"));
    Files.writeString(
        dir.resolve("template.yaml"),
        "command: [sleep, '600']\n"
            + "probe: {exec: [test, -f, healthy], interval: 10s, timeout: 5s, failureThreshold: 1}\n");
    Files.createDirectories(dir.resolve("skeleton"));
    Files.writeString(dir.resolve("skeleton/healthy"), "yes\n");
    List<SessionId> unhealthy = new CopyOnWriteArrayList<>();
    List<Thread> probeThreads = new CopyOnWriteArrayList<>();
    try (var t = new TestServices(home);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        ExecutorService probing =
            Executors.newThreadPerTaskExecutor(
                r -> {
                  Thread th = Thread.ofVirtual().unstarted(r);
                  probeThreads.add(th);
                  return th;
                })) {
      SessionId id = SessionId.of("sick");
      t.service.create(
          new CreateSessionRequest(
              Optional.of(id),
              Optional.of("flaky"),
              Optional.empty(),
              Map.of(),
              true,
              CullSettings.NONE));
      t.service.workspace().delete(id, "healthy", false);
      var monitor = new HealthMonitor(t.service, Clock.systemUTC(), probing, unhealthy::add);
      Session running = t.registry.sessions().find(id).orElseThrow();

      // A reconcile pass holds the session when the probe falls due, and lets go a moment later:
      // health ticks and passes run on the same beat, so this is the common case, not a rare one.
      var held = new CountDownLatch(1);
      var release = new CountDownLatch(1);
      var pass =
          CompletableFuture.runAsync(
              () ->
                  t.service.tryRepair(
                      id,
                      locked -> {
                        held.countDown();
                        await(release);
                        return "passed";
                      }),
              threads);
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      monitor.tick(List.of(running));
      // Keep holding until the probe waits for the session: one that gave up at once never would.
      Awaitility.await("the probe waits for the session")
          .atMost(Duration.ofSeconds(10))
          .until(() -> probeThreads.stream().anyMatch(p -> p.getState() == State.TIMED_WAITING));
      release.countDown();
      pass.get(10, TimeUnit.SECONDS);

      // No second tick: the one probe that fell due must itself get through.
      Awaitility.await("the probe ran after the pass")
          .atMost(Duration.ofSeconds(10))
          .until(() -> !unhealthy.isEmpty());
      assertThat(unhealthy).containsExactly(id);
      assertThat(monitor.unhealthy(id, t.service.templateOrBuiltin(running)))
          .hasValueSatisfying(why -> assertThat(why).contains("probe command exited with 1"));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
