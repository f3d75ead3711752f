package dev.berth.metrics;

import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.registry.SessionStore;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionListener;
import dev.berth.session.SessionStatus;
import dev.berth.template.CullAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Berth's metrics, by their Prometheus names:
 *
 * <ul>
 *   <li>{@code berth_sessions{backend,status}}: sessions now (deleted ones left out)
 *   <li>{@code berth_session_create_seconds{backend,status}}: histogram of create time, by the
 *       status the create ended in (RUNNING, STOPPED, FAILED)
 *   <li>{@code berth_session_delete_seconds{backend,complete}}: histogram of delete time
 *   <li>{@code berth_reconcile_passes_total}, {@code berth_reconcile_errors_total}
 *   <li>{@code berth_session_failures_total{backend}}: apps found not working
 *   <li>{@code berth_session_restarts_total{backend}}
 *   <li>{@code berth_orphans_removed_total}: orphaned resources removed
 *   <li>{@code berth_session_culls_total{kind,action}}: kind idle or lifetime, action stop or
 *       delete
 *   <li>{@code berth_operations_resumed_total{operation}}: work a manager crash interrupted
 *   <li>{@code berth_backend_connected{backend}}: 1 while the backend's event stream is up
 * </ul>
 *
 * Session counts are read from the registry when {@link #refresh()} is called (before each scrape),
 * not kept in step with every change.
 */
public final class BerthMetrics implements SessionListener, ReconcileMetrics {
  private final MeterRegistry meters;
  private final SessionStore sessions;
  private final AtomicReference<Map<String, Map<SessionStatus, Integer>>> counts =
      new AtomicReference<>(Map.of());
  private final Map<String, Double> connected = new ConcurrentHashMap<>();
  private final Counter passes;
  private final Counter errors;
  private final Counter orphans;

  public BerthMetrics(MeterRegistry meters, SessionStore sessions, List<String> backends) {
    this.meters = meters;
    this.sessions = sessions;
    for (String backend : backends) {
      for (SessionStatus status : SessionStatus.values()) {
        if (status.isLive()) {
          Gauge.builder("berth.sessions", () -> count(backend, status))
              .description("Sessions by backend and status")
              .tag("backend", backend)
              .tag("status", status.name())
              .register(meters);
        }
      }
      connected.put(backend, 1.0);
      Gauge.builder("berth.backend.connected", () -> connected.getOrDefault(backend, 0.0))
          .description("1 while Berth is connected to the backend's event stream")
          .tag("backend", backend)
          .register(meters);
    }
    passes =
        Counter.builder("berth.reconcile.passes")
            .description("Reconcile passes over all sessions")
            .register(meters);
    errors =
        Counter.builder("berth.reconcile.errors")
            .description("Reconcile passes or session reconciles that failed unexpectedly")
            .register(meters);
    orphans =
        Counter.builder("berth.orphans.removed")
            .description("Orphaned resources removed")
            .register(meters);
  }

  /** Re-reads the session counts from the registry. */
  public void refresh() {
    counts.set(sessions.countByBackendAndStatus());
  }

  private double count(String backend, SessionStatus status) {
    return counts.get().getOrDefault(backend, Map.of()).getOrDefault(status, 0);
  }

  @Override
  public void onCreated(Session session, Duration took) {
    Timer.builder("berth.session.create")
        .description("Time to create a session, until RUNNING (or STOPPED when warmed, or FAILED)")
        .tag("backend", session.backend())
        .tag("status", session.status().name())
        .publishPercentileHistogram()
        .register(meters)
        .record(took);
  }

  @Override
  public void onDeleted(SessionCleanupReceipt receipt, Duration took) {
    Timer.builder("berth.session.delete")
        .description("Time to delete a session and everything it owns")
        .tag("backend", receipt.backend())
        .tag("complete", Boolean.toString(receipt.complete()))
        .publishPercentileHistogram()
        .register(meters)
        .record(took);
  }

  @Override
  public void pass() {
    passes.increment();
  }

  @Override
  public void error() {
    errors.increment();
  }

  @Override
  public void failure(String backend) {
    meters.counter("berth.session.failures", "backend", backend).increment();
  }

  @Override
  public void restart(String backend) {
    meters.counter("berth.session.restarts", "backend", backend).increment();
  }

  @Override
  public void orphansRemoved(int resources) {
    orphans.increment(resources);
  }

  @Override
  public void cull(String kind, CullAction action) {
    meters.counter("berth.session.culls", "kind", kind, "action", action.yamlName()).increment();
  }

  @Override
  public void resumed(String operation) {
    meters.counter("berth.operations.resumed", "operation", operation).increment();
  }

  @Override
  public void backendConnected(String backend, boolean up) {
    connected.put(backend, up ? 1.0 : 0.0);
  }
}
