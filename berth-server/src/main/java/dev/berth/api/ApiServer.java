package dev.berth.api;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.Tokens;
import dev.berth.mcp.McpHttpEndpoint;
import dev.berth.proxy.BrowserOrigins;
import dev.berth.proxy.BrowserProxy;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.service.SessionService;
import dev.berth.service.images.FirstUseBuilds;
import dev.berth.service.images.ImageJobs;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson3;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The HTTP edge: REST {@code /api/v1}, the executor endpoints, and the OpenAPI document. Thin:
 * parse, authorize, call {@link SessionService}, render.
 */
public final class ApiServer {
  private static final java.util.Set<String> PUBLIC_PATHS =
      java.util.Set.of(
          "/api/v1/health",
          "/api/v1/openapi.json",
          DashboardRoutes.LOGIN,
          DashboardRoutes.LOGOUT,
          "/",
          "/index.html",
          "/favicon.ico");

  /**
   * Browsers ask every origin for it, also for the pages of apps behind {@code /s/<id>/}: a 401
   * there would be a console error on each page. A small anchor, to anyone.
   */
  static final String FAVICON = "/favicon.ico";

  private static final byte[] FAVICON_SVG =
      ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
              + "<rect width='16' height='16' rx='3' fill='#1f4e79'/>"
              + "<path d='M8 3v9M5 6h6M4 10c1 2 7 2 8 0' stroke='#fff' stroke-width='1.5'"
              + " fill='none' stroke-linecap='round'/></svg>")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** The dashboard's static files (no secrets in them): served to anyone, like the login page. */
  private static final String DASHBOARD_ASSETS = "/ui/";

  private ApiServer() {}

  /** The OpenAPI document (kept by hand in openapi.yaml; a test checks it against the routes). */
  public static JsonNode openApiDocument() {
    try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.yaml")) {
      return YAMLMapper.builder().build().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prometheus' text format, as {@code /metrics} answers. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** A configured, not yet started, Javalin app; with {@code mcp}, MCP is served at /mcp. */
  public static Javalin create(
      SessionService sessions,
      Tokens tokens,
      long maxRequestBytes,
      OrphanCollector orphans,
      java.time.Duration orphanGrace,
      String version,
      McpHttpEndpoint mcp) {
    return create(
        sessions,
        tokens,
        maxRequestBytes,
        orphans,
        orphanGrace,
        version,
        mcp,
        null,
        null,
        null,
        () -> "");
  }

  /**
   * The same, with the image routes served by {@code images} (null: no backend builds images) and
   * browser access: the dashboard's logins ({@code logins}) and the proxy at {@code /s/} ({@code
   * proxy}); either may be null (not served); {@code metrics} gives the Prometheus text for {@code
   * /metrics} (admin token).
   */
  public static Javalin create(
      SessionService sessions,
      Tokens tokens,
      long maxRequestBytes,
      OrphanCollector orphans,
      java.time.Duration orphanGrace,
      String version,
      McpHttpEndpoint mcp,
      ImageJobs images,
      BrowserLogins logins,
      BrowserProxy proxy,
      Supplier<String> metrics) {
    return create(
        sessions,
        tokens,
        maxRequestBytes,
        orphans,
        orphanGrace,
        version,
        mcp,
        images,
        logins,
        proxy,
        metrics,
        new SimpleMeterRegistry());
  }

  /** The same, with the edge's own meters (open event streams) registered in {@code meters}. */
  public static Javalin create(
      SessionService sessions,
      Tokens tokens,
      long maxRequestBytes,
      OrphanCollector orphans,
      java.time.Duration orphanGrace,
      String version,
      McpHttpEndpoint mcp,
      ImageJobs images,
      BrowserLogins logins,
      BrowserProxy proxy,
      Supplier<String> metrics,
      MeterRegistry meters) {
    BrowserOrigins origins = proxy == null ? BrowserOrigins.none() : proxy.origins();
    var auth = new ApiAuth(tokens, logins, origins);
    var streams = new OpenStreams(meters);
    var events = new EventStream(sessions, auth, meters, streams);
    JsonNode openApi = openApiDocument();
    return Javalin.create(
        config -> {
          config.jsonMapper(new JavalinJackson3(JsonMapper.builder().build(), false));
          config.http.maxRequestSize = maxRequestBytes;
          config.startup.showJavalinBanner = false;
          // Before Jetty stops: see OpenStreams for why the streams must end first.
          config.events.serverStopping(streams::closeAll);
          config.router.ignoreTrailingSlashes = true;
          // A known path with a method it does not take is a 405 (with Allow), not a 404.
          config.http.prefer405over404 = true;
          if (mcp != null) {
            config.jetty.modifyServletContextHandler(mcp::mount);
          }
          if (proxy != null) {
            config.jetty.modifyServletContextHandler(proxy::mount);
          }
          config.staticFiles.add(
              files -> {
                files.hostedPath = "/";
                files.directory = "/dashboard";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
              });
          var routes = config.routes;
          ApiErrors.install(routes);
          // Deny by default: every route needs a token except the two public documents. The
          // check reads headers only, never the body.
          routes.before(
              ctx -> {
                if (!PUBLIC_PATHS.contains(ctx.path())
                    && !ctx.path().startsWith(DASHBOARD_ASSETS)) {
                  auth.authenticate(ctx);
                }
              });
          // After the token check, so that a 413 to a caller whose token checked out may read
          // (and discard) the rest of its body and reach the client (UnreadRequestBody); a request
          // without a token gets its 401 first, or, on the public login, this 413 on a closed
          // connection: it never makes Berth read more than the small limit.
          routes.before(BodyLimits::refuseDeclaredOverLimit);
          routes.get(
              "/api/v1/health",
              ctx ->
                  ctx.json(
                      Map.of(
                          "status",
                          "ok",
                          "version",
                          version,
                          "backends",
                          sessions.backends().names(),
                          "defaultBackend",
                          sessions.backends().defaultName())));
          routes.get("/api/v1/openapi.json", ctx -> ctx.json(openApi));
          routes.get(
              FAVICON,
              ctx ->
                  ctx.contentType("image/svg+xml")
                      .header("Cache-Control", "max-age=86400")
                      .result(FAVICON_SVG));
          var builds = new FirstUseBuilds(sessions, java.util.Optional.ofNullable(images));
          new SessionRoutes(sessions, builds).register(routes);
          new TemplateRoutes(sessions).register(routes);
          new PoolRoutes(sessions).register(routes);
          new FileRoutes(sessions.workspace(), maxRequestBytes).register(routes);
          new ChangeStream(sessions.workspace(), streams).register(routes);
          new ExecutorRoutes(sessions, builds).register(routes);
          new ContainerRoutes(sessions.containers()).register(routes);
          new LogStreams(sessions.containers(), streams).register(routes);
          var processRoutes = new ProcessRoutes(sessions.processes());
          processRoutes.register(routes);
          new ProcessStreams(processRoutes, streams).register(routes);
          new ProcessAttach(auth, processRoutes, sessions.processes()).register(routes);
          new AdminRoutes(
                  orphans,
                  new dev.berth.reconcile.TemplateVolumeCollector(
                      sessions.backends(),
                      () -> sessions.templates().all(),
                      java.time.Clock.systemUTC()),
                  orphanGrace)
              .register(routes);
          new ImageRoutes(images).register(routes);
          new DashboardRoutes(sessions, tokens, logins, origins).register(routes);
          routes.before("/api/v1/events", events::before);
          routes.sse("/api/v1/events", events::handle);
          routes.after("/api/v1/events", events::end);
          routes.get(
              "/metrics",
              ctx -> {
                ApiAuth.principal(ctx).checkAdmin("reading metrics");
                ctx.contentType(PROMETHEUS_TEXT).result(metrics.get());
              });
        });
  }
}
