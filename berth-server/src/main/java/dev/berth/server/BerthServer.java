package dev.berth.server;

import dev.berth.api.ApiServer;
import dev.berth.auth.BrowserLogins;
import dev.berth.auth.Tokens;
import dev.berth.base.OwnerOnly;
import dev.berth.base.Pause;
import dev.berth.config.BerthConfig;
import dev.berth.config.DataDirectory;
import dev.berth.egress.EgressProxy;
import dev.berth.images.ImageEngine;
import dev.berth.mcp.McpHttpEndpoint;
import dev.berth.mcp.McpHttpSettings;
import dev.berth.metrics.BerthMetrics;
import dev.berth.metrics.PoolMetrics;
import dev.berth.proxy.BrowserOrigins;
import dev.berth.proxy.BrowserProxy;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.reconcile.Reconciler;
import dev.berth.registry.Registry;
import dev.berth.runtime.Ability;
import dev.berth.runtime.Backends;
import dev.berth.runtime.provider.BackendContext;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.service.BackendTokenGuard;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.service.images.ImageJobs;
import dev.berth.service.images.ImageService;
import dev.berth.template.ReloadingTemplates;
import dev.berth.template.TemplateProblem;
import dev.berth.template.TemplateWatcher;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Berth: the one place where the parts are wired together (registry, tokens, templates,
 * runtimes, service, reconciler, metrics, HTTP edge). Start-up order: the registry is opened, the
 * reconciler starts its first pass (finishing what a crash interrupted), then requests are served;
 * a request on a session the first pass is working on waits for it (the session's lock).
 */
public final class BerthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BerthServer.class);
  public static final String VERSION =
      Optional.ofNullable(BerthServer.class.getPackage().getImplementationVersion()).orElse("dev");

  private final BerthConfig config;
  private final Registry registry;
  private final Backends backends;
  private final SessionService sessions;
  private final Javalin app;
  private final McpHttpEndpoint mcp;
  private final ImageJobs images;
  private final BrowserProxy proxy;
  private final Reconciler reconciler;
  private final OrphanCollector orphans;
  private TemplateWatcher templateWatcher;
  private EgressProxy egress;
  private io.micrometer.core.instrument.MeterRegistry meters;

  private BerthServer(
      BerthConfig config,
      Registry registry,
      Backends backends,
      SessionService sessions,
      Javalin app,
      McpHttpEndpoint mcp,
      ImageJobs images,
      BrowserProxy proxy,
      Reconciler reconciler,
      OrphanCollector orphans) {
    this.mcp = mcp;
    this.images = images;
    this.proxy = proxy;
    this.reconciler = reconciler;
    this.orphans = orphans;
    this.config = config;
    this.registry = registry;
    this.backends = backends;
    this.sessions = sessions;
    this.app = app;
  }

  /**
   * Starts Berth. Prints the URL and, on first start only, the admin token to {@code out}.
   *
   * @param providers the backend kinds of this build; they open the configured backends
   */
  public static BerthServer start(BerthConfig config, BackendProviders providers, PrintStream out) {
    // 0700, the files in it 0600, and the last run's temporary files (a killed migration's
    // workspace archive) removed.
    Path tmpDir = DataDirectory.prepare(config.home());
    // A template that does not load is reported and skipped: it must not keep Berth (and with it
    // every running session's management) from starting.
    var templates = new ReloadingTemplates(config.templatesDir(), Clock.systemUTC());
    Registry registry =
        config.registry().equals("sqlite")
            ? Registry.openSqlite(config.registryFile())
            : Registry.openPostgres(config.registry(), "", config.registryPassword());
    try {
      Clock clock = Clock.systemUTC();
      String instance = instanceId(config.home());
      // Per installation: the way out for sessions with an egress allow list (see EgressProxy).
      var egress = new EgressProxy();
      Backends backends;
      try {
        backends = providers.open(new BackendContext(config, instance, out, egress, tmpDir));
      } catch (RuntimeException e) {
        egress.close();
        throw e;
      }
      // A session token is refused where its session's backend cannot keep it there (local).
      var tokens =
          new Tokens(
              registry.tokens(), clock, new BackendTokenGuard(registry.sessions(), backends));
      Optional<String> adminToken = tokens.createAdminTokenIfMissing();
      adminToken.ifPresent(t -> writeSecret(config.adminTokenFile(), t));
      var limits =
          new WorkspaceLimits(
              config.maxFileBytes(),
              config.execTimeout(),
              config.execMaxTimeout(),
              config.execMaxOutputBytes());
      var sessions =
          new SessionService(
              registry,
              backends,
              templates,
              tokens,
              clock,
              config.stopGrace(),
              limits,
              Pause.SLEEP,
              tmpDir);
      // Before the reconciler looks at them: a migration a crash interrupted is rolled back (or
      // finished), so its session is not taken for a stopped one.
      sessions.recoverInterruptedMigrations();
      var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(meters);
      new JvmThreadMetrics().bindTo(meters);
      new ProcessorMetrics().bindTo(meters);
      new UptimeMetrics().bindTo(meters);
      var metrics = new BerthMetrics(meters, registry.sessions(), backends.names());
      sessions.addListener(metrics);
      var poolMetrics = new PoolMetrics(meters, sessions.pools()::status);
      egress.recordTo(sessions);
      var origins =
          new BrowserOrigins(config.publicUrl(), config.appsDomain(), config.trustedProxies());
      var logins = new BrowserLogins(registry.browserCredentials(), clock);
      var mcp =
          new McpHttpEndpoint(
              sessions,
              tokens,
              VERSION,
              new McpHttpSettings(
                  config.maxMcpRequestBytes(),
                  config.mcpSessionIdleTimeout(),
                  config.mcpMaxSessionsPerToken()),
              origins::ownPage,
              new ProxyLoginLinks(logins, origins));
      ImageJobs images =
          imageEngine(backends)
              .map(engine -> new ImageJobs(new ImageService(sessions, engine, clock), clock))
              .orElse(null);
      var proxy = new BrowserProxy(sessions, tokens, logins, origins);
      // Built here, not by the service: the reconciler and berth gc share it.
      var orphans =
          new OrphanCollector(
              registry.sessions(), registry.pools(), backends, clock, sessions::exclusive);
      Javalin app =
          ApiServer.create(
              sessions,
              tokens,
              config.maxRequestBytes(),
              orphans,
              config.orphanGrace(),
              VERSION,
              mcp,
              images,
              logins,
              proxy,
              () -> {
                metrics.refresh();
                poolMetrics.refresh();
                return meters.scrape();
              },
              meters);
      // Sessions are brought in line (interrupted creates and deletes finished, crashed apps
      // restarted) by the reconciler's first pass, which starts now, beside the first requests.
      var reconciler =
          new Reconciler(
              sessions, orphans, config.reconcileInterval(), config.orphanGrace(), metrics);
      reconciler.start();
      try {
        app.start(config.host(), config.port());
      } catch (RuntimeException e) {
        reconciler.close();
        sessions.pools().close();
        throw e;
      }
      // Made when missing, so that the watcher sees the first template a user copies into a new
      // data directory (a directory made later would go unwatched until a restart).
      makeTemplatesDirectory(config.templatesDir());
      var watcher = TemplateWatcher.start(templates, TemplateWatcher.DEFAULT_DEBOUNCE);
      var server =
          new BerthServer(
              config, registry, backends, sessions, app, mcp, images, proxy, reconciler, orphans);
      server.templateWatcher = watcher;
      server.egress = egress;
      server.meters = meters;
      out.println("Berth " + VERSION + " is serving " + server.url());
      out.println("  dashboard: " + server.url() + "/");
      out.println("  MCP (Streamable HTTP): " + server.url() + McpHttpEndpoint.PATH);
      if (!config.publicUrl().isEmpty()) {
        out.println("  public address: " + config.publicUrl() + "/");
      }
      if (!config.appsDomain().isEmpty()) {
        out.println("  sessions' apps: <id>." + config.appsDomain() + ", each on its own origin");
      }
      out.println("  data directory: " + config.home());
      out.println(
          "  registry: "
              + (config.registry().equals("sqlite")
                  ? "sqlite " + config.registryFile()
                  : "postgresql " + Registry.redact(config.registry())));
      out.println("  backends: " + backends.names() + " (default " + backends.defaultName() + ")");
      out.println(
          "  templates: "
              + templates.current().names()
              + " from "
              + config.templatesDir()
              + " (reloaded on change)");
      for (TemplateProblem p : templates.problems()) {
        out.println(
            "  template '"
                + p.template()
                + "' does not load, skipped: "
                + p.file()
                + ": "
                + p.message());
      }
      for (String problem : SandboxAvailability.problems(templates.current(), backends)) {
        log.warn(problem);
        out.println("  " + problem);
      }
      if (images != null) {
        out.println(
            "  images: built on "
                + images.images().builder().engine().backend()
                + " from templates with a Dockerfile ('berth images build')");
      }
      if (adminToken.isPresent()) {
        out.println("  admin token (shown once; also in " + config.adminTokenFile() + "):");
        out.println("    " + adminToken.get());
      } else {
        out.println("  admin token: in " + config.adminTokenFile());
      }
      return server;
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  public String url() {
    String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
    return "http://" + host + ":" + app.port();
  }

  public int port() {
    return app.port();
  }

  public SessionService sessions() {
    return sessions;
  }

  /** The server's meters (what {@code /metrics} shows); still readable after {@link #close}. */
  public io.micrometer.core.instrument.MeterRegistry meters() {
    return meters;
  }

  /** Finds and removes resources without a live session (what {@code berth gc} runs). */
  public OrphanCollector orphans() {
    return orphans;
  }

  /** The image builds and updates; empty when no backend runs images. */
  public Optional<ImageJobs> images() {
    return Optional.ofNullable(images);
  }

  /** The image engine of the default backend, else of the first backend that has one. */
  private static Optional<ImageEngine> imageEngine(Backends backends) {
    return Stream.concat(Stream.of(backends.defaultName()), backends.names().stream())
        .map(backends::get)
        .filter(runtime -> runtime.abilities().contains(Ability.IMAGE_BUILDS))
        .map(runtime -> runtime.images().engine())
        .findFirst();
  }

  /** Stops serving. Sessions keep running: they outlive the manager by design. */
  @Override
  public void close() {
    sessions.endChangeFeeds();
    if (templateWatcher != null) {
      templateWatcher.close();
    }
    reconciler.close();
    sessions.pools().close(); // members stay, for the next manager to claim
    if (images != null) {
      images.close();
    }
    mcp.close();
    app.stop();
    proxy.close();
    backends.close();
    if (egress != null) {
      egress.close();
    }
    registry.close();
    log.info("Berth stopped");
  }

  /** Which Berth installation made a resource: kept in the data directory, made once. */
  private static String instanceId(Path home) {
    Path file = home.resolve("instance.id");
    try {
      if (Files.exists(file)) {
        return Files.readString(file).strip();
      }
      String id = UUID.randomUUID().toString().substring(0, 8);
      Files.writeString(OwnerOnly.file(file), id + "\n");
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  private static void writeSecret(Path file, String secret) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, secret + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** A templates directory that cannot be made is logged, not fatal: a reload reads it later. */
  private static void makeTemplatesDirectory(Path dir) {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      log.warn("cannot make the templates directory {}: {}", dir, e.toString());
    }
  }
}
