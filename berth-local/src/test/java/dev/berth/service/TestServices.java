package dev.berth.service;

import dev.berth.auth.Tokens;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.reconcile.ReconcileMetrics;
import dev.berth.reconcile.SessionReconciler;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.session.Session;
import dev.berth.template.TemplateCatalog;
import dev.berth.template.TemplateLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A SessionService on the local runtime in a temporary data directory, for tests. */
public final class TestServices implements AutoCloseable {
  public final Path home;
  public final Registry registry;
  public final Tokens tokens;
  public final LocalRuntime runtime;
  public final SessionService service;
  public final OrphanCollector orphans;

  public TestServices(Path home) {
    this(home, TemplateLoader.load(home.resolve("templates")));
  }

  public TestServices(Path home, TemplateCatalog templates) {
    this.home = home;
    this.registry = Registry.openSqlite(home.resolve("berth.db"));
    this.tokens = new Tokens(registry.tokens(), Clock.systemUTC());
    this.runtime = new LocalRuntime(home.resolve("sessions"), "test");
    this.service =
        new SessionService(
            registry,
            Backends.of(runtime),
            templates,
            tokens,
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS);
    this.orphans =
        new OrphanCollector(
            registry.sessions(),
            registry.pools(),
            service.backends(),
            Clock.systemUTC(),
            service::exclusive);
  }

  /** One reconcile pass, as a server's start-up runs it. */
  public void reconcileAll() {
    new SessionReconciler(service, ReconcileMetrics.NONE).reconcileAll();
  }

  @Override
  public void close() {
    service.pools().closeAndDrain(); // members are no session's: they go here, not below
    for (Session s : registry.sessions().list(dev.berth.registry.SessionFilter.ALL_LIVE)) {
      try {
        service.delete(s.id());
      } catch (RuntimeException ignored) {
        // cleanup after a test; the test's own assertions already ran
      }
    }
    registry.close();
  }
}
