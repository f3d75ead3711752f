package dev.berth.api;

import dev.berth.auth.Tokens;
import dev.berth.mcp.McpHttpEndpoint;
import dev.berth.session.SessionService;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson3;
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
      java.util.Set.of("/api/v1/health", "/api/v1/openapi.json");

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
      java.time.Duration orphanGrace,
      String version,
      McpHttpEndpoint mcp) {
    return create(sessions, tokens, maxRequestBytes, orphanGrace, version, mcp, () -> "");
  }

  /**
   * As above, with {@code metrics} giving the Prometheus text for {@code /metrics} (admin token).
   */
  public static Javalin create(
      SessionService sessions,
      Tokens tokens,
      long maxRequestBytes,
      java.time.Duration orphanGrace,
      String version,
      McpHttpEndpoint mcp,
      Supplier<String> metrics) {
    var events = new EventStream(sessions);
    JsonNode openApi = openApiDocument();
    var auth = new ApiAuth(tokens);
    return Javalin.create(
        config -> {
          config.jsonMapper(new JavalinJackson3(JsonMapper.builder().build(), false));
          config.http.maxRequestSize = maxRequestBytes;
          config.startup.showJavalinBanner = false;
          config.router.ignoreTrailingSlashes = true;
          if (mcp != null) {
            config.jetty.modifyServletContextHandler(mcp::mount);
          }
          var routes = config.routes;
          ApiErrors.install(routes);
          // Deny by default: every route needs a token except the two public documents.
          routes.before(
              ctx -> {
                if (!PUBLIC_PATHS.contains(ctx.path())) {
                  auth.authenticate(ctx);
                }
              });
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
          new SessionRoutes(sessions).register(routes);
          new FileRoutes(sessions.workspace(), maxRequestBytes).register(routes);
          new ExecutorRoutes(sessions).register(routes);
          new AdminRoutes(sessions, orphanGrace).register(routes);
          routes.before("/api/v1/events", events::before);
          routes.sse("/api/v1/events", events::handle);
          routes.get(
              "/metrics",
              ctx -> {
                ApiAuth.principal(ctx).checkAdmin("reading metrics");
                ctx.contentType(PROMETHEUS_TEXT).result(metrics.get());
              });
        });
  }
}
