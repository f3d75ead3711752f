package dev.berth.reconcile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.registry.SessionFilter;
import dev.berth.service.TestServices;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CullSettings;
import dev.berth.session.DesiredState;
import dev.berth.session.Session;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the local backend: a FAILED session has no process left (a start whose probe never passes, a
 * session the health checks give up on), and an app that quits with code 0 is STOPPED.
 */
class LocalFailureCleanupTest {
  @TempDir Path home;

  /** An app that writes its pid into the workspace, then becomes {@code sleep} (same pid). */
  private static final String PID_THEN_SLEEP = "shell: \"echo $$ > app.pid; exec sleep 600\"\n";

  private void template(String name, String yaml) throws Exception {
    Path dir = Files.createDirectories(home.resolve("templates").resolve(name));
    Files.writeString(dir.resolve("template.yaml"), yaml);
    Files.createDirectories(dir.resolve("skeleton"));
  }

  private static Session create(TestServices t, String id, String template) {
    return t.service
        .create(
            new CreateSessionRequest(
                Optional.of(SessionId.of(id)),
                Optional.of(template),
                Optional.empty(),
                Map.of(),
                true,
                CullSettings.NONE))
        .session();
  }

  private static long appPid(TestServices t, String id) {
    return Long.parseLong(
        new String(t.service.workspace().readFile(SessionId.of(id), "app.pid"), UTF_8).strip());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static List<String> messages(TestServices t, String id) {
    return t.service.events(SessionId.of(id), 0, 1000).stream().map(SessionEvent::message).toList();
  }

  @Test
  void aStartWhoseProbeNeverPassesEndsItsProcessAndKeepsTheWorkspace() throws Exception {
    template("deaf", PID_THEN_SLEEP + "probe: {exec: [\"false\"], startTimeout: 1s}\n");
    try (var t = new TestServices(home)) {
      Session s = create(t, "deaf", "deaf");
      assertThat(s.status()).isEqualTo(SessionStatus.FAILED);
      long pid = appPid(t, "deaf");
      Awaitility.await("its process has ended")
          .atMost(Duration.ofSeconds(10))
          .until(() -> !alive(pid));
      assertThat(messages(t, "deaf")).contains("stopped what it started; workspace kept");
      assertThat(t.service.workspace().readFile(SessionId.of("deaf"), "app.pid"))
          .as("the workspace is kept for inspection")
          .isNotEmpty();
    }
  }

  @Test
  void aSessionTheHealthChecksGiveUpOnHasNoProcessLeft() throws Exception {
    template(
        "sickly",
        PID_THEN_SLEEP
            + "probe: {exec: [test, -f, healthy], interval: 100ms, timeout: 2s,"
            + " failureThreshold: 1}\n"
            + "restart: {limit: 0}\n");
    Files.writeString(home.resolve("templates/sickly/skeleton/healthy"), "yes\n");
    try (var t = new TestServices(home);
        ExecutorService probing = Executors.newVirtualThreadPerTaskExecutor()) {
      SessionId id = SessionId.of("sick");
      assertThat(create(t, "sick", "sickly").status()).isEqualTo(SessionStatus.RUNNING);
      long pid = appPid(t, "sick");
      t.service.workspace().delete(id, "healthy", false);
      var monitor = new HealthMonitor(t.service, Clock.systemUTC(), probing, x -> {});
      var reconciler = new SessionReconciler(t.service, ReconcileMetrics.NONE, monitor);

      Awaitility.await("FAILED by its health checks")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                monitor.tick(t.registry.sessions().list(SessionFilter.ALL_LIVE));
                reconciler.reconcile(id);
                return t.registry.sessions().find(id).orElseThrow().status()
                    == SessionStatus.FAILED;
              });
      assertThat(t.registry.sessions().find(id).orElseThrow().statusReason())
          .contains("health probe failed", "restart limit 0: not restarted");
      Awaitility.await("its process has ended")
          .atMost(Duration.ofSeconds(10))
          .until(() -> !alive(pid));
      assertThat(messages(t, "sick")).contains("stopped what it started; workspace kept");
    }
  }

  @Test
  void anAppThatQuitsWithCodeZeroIsStoppedNotFailedAndNotRestarted() throws Exception {
    template("quitter", "shell: \"sleep 1; exit 0\"\n");
    try (var t = new TestServices(home)) {
      SessionId id = SessionId.of("quit");
      assertThat(create(t, "quit", "quitter").status()).isEqualTo(SessionStatus.RUNNING);
      var reconciler = new SessionReconciler(t.service, ReconcileMetrics.NONE);
      Awaitility.await("STOPPED once its app quit")
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                reconciler.reconcile(id);
                return t.registry.sessions().find(id).orElseThrow().status()
                    == SessionStatus.STOPPED;
              });
      Session s = t.registry.sessions().find(id).orElseThrow();
      assertThat(s.statusReason()).contains("exited on its own with code 0", "session start quit");
      assertThat(s.lifecycle().desired()).isEqualTo(DesiredState.STOPPED);
      reconciler.reconcile(id);
      assertThat(t.registry.sessions().find(id).orElseThrow().status())
          .as("a quit app is not restarted")
          .isEqualTo(SessionStatus.STOPPED);
      assertThat(t.service.start(id).status()).isEqualTo(SessionStatus.RUNNING);
    }
  }
}
