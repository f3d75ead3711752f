package dev.berth.service;

import dev.berth.auth.Tokens;
import dev.berth.base.ManualClock;
import dev.berth.base.SessionId;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.reconcile.SessionReconciler;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.fake.FakeRuntime;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CullSettings;
import dev.berth.session.Session;
import dev.berth.template.TemplateLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The service and the reconciler over a {@link FakeRuntime} and a {@link ManualClock}: logic tests
 * that never sleep and never race the wall clock. The registry is the real one (SQLite in a
 * temporary directory), templates are real template folders written by the test.
 */
public final class FakeServices implements AutoCloseable {
  public final ManualClock clock = ManualClock.atTheEpochOfTests();
  public final FakeRuntime runtime = new FakeRuntime(clock);
  public final Registry registry;
  public final Tokens tokens;
  public final SessionService service;
  public final OrphanCollector orphans;
  public final SessionReconciler reconciler;

  /**
   * @param templates template name to its template.yaml
   */
  public FakeServices(Path home, Map<String, String> templates) {
    try {
      for (var t : templates.entrySet()) {
        Path dir = Files.createDirectories(home.resolve("templates").resolve(t.getKey()));
        Files.writeString(dir.resolve("template.yaml"), t.getValue());
      }
      Files.createDirectories(home.resolve("templates"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    registry = Registry.openSqlite(home.resolve("berth.db"));
    tokens = new Tokens(registry.tokens(), clock);
    service =
        new SessionService(
            registry,
            Backends.of(runtime),
            TemplateLoader.load(home.resolve("templates")),
            tokens,
            clock,
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS,
            clock::sleep);
    orphans =
        new OrphanCollector(
            registry.sessions(), registry.pools(), service.backends(), clock, service::exclusive);
    reconciler = new SessionReconciler(service, ReconcileMetrics.NONE);
  }

  /** A create of {@code id} from {@code template} that starts it. */
  public Session create(String id, String template) {
    return service.create(request(id, template, true)).session();
  }

  public static CreateSessionRequest request(String id, String template, boolean start) {
    return new CreateSessionRequest(
        Optional.of(SessionId.of(id)),
        Optional.of(template),
        Optional.empty(),
        Map.of(),
        start,
        CullSettings.NONE);
  }

  /** The session as the registry has it, in any status. */
  public Session row(String id) {
    return registry.sessions().find(SessionId.of(id)).orElseThrow();
  }

  @Override
  public void close() {
    registry.close();
  }
}
