package dev.berth.mcp;

import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.http.UnreadRequestBody;
import dev.berth.mcp.tool.LoginLinks;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tools.ChangesResource;
import dev.berth.service.SessionService;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ResourcesUpdatedNotification;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.BiPredicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * MCP over Streamable HTTP at {@code /mcp}, mounted into the server's Jetty. A servlet filter
 * checks the bearer token on every request (the Javalin before-handlers do not run for servlets),
 * before any of the body is read, and the transport hands the principal to each tool call through
 * the MCP transport context.
 */
public final class McpHttpEndpoint implements AutoCloseable {
  public static final String PATH = "/mcp";
  private static final String PRINCIPAL_ATTRIBUTE = McpTransportGuard.PRINCIPAL_ATTRIBUTE;
  private static final String PROOF_ATTRIBUTE = "berth.mcp.proof";

  private final HttpServletStreamableServerTransportProvider transport;
  private final McpSyncServer server;
  private final Tokens tokens;
  private final long maxBodyBytes;
  private final McpTransportGuard guard;
  private final ChangeSubscriptions subscriptions;

  /**
   * @param settings the largest request body ({@code maxMcpRequestBytes}: a declared length over it
   *     is refused before any of the body is read, a chunked body as soon as more arrived), how
   *     long an idle MCP session lives and how many one token may hold
   * @param ownOrigin whether a request's {@code Origin} is a page of Berth's own (else 403)
   */
  public McpHttpEndpoint(
      SessionService sessions,
      Tokens tokens,
      String version,
      McpHttpSettings settings,
      BiPredicate<String, HttpServletRequest> ownOrigin) {
    this(sessions, tokens, version, settings, ownOrigin, LoginLinks.NONE);
  }

  /** As above, with the proxy's login links for session_preview_link. */
  public McpHttpEndpoint(
      SessionService sessions,
      Tokens tokens,
      String version,
      McpHttpSettings settings,
      BiPredicate<String, HttpServletRequest> ownOrigin,
      LoginLinks links) {
    this.tokens = tokens;
    this.maxBodyBytes = settings.maxBodyBytes();
    this.transport =
        HttpServletStreamableServerTransportProvider.builder()
            .mcpEndpoint(PATH)
            .jsonMapper(BerthMcp.JSON)
            // Evicts a session unused since the last sweep and with no stream open: an idle one
            // lives between one and two timeouts.
            .sessionSweepInterval(settings.sessionIdleTimeout())
            .contextExtractor(
                request -> {
                  Object principal = request.getAttribute(PRINCIPAL_ATTRIBUTE);
                  Object proof = request.getAttribute(PROOF_ATTRIBUTE);
                  if (principal == null || !(proof instanceof LoginProof p)) {
                    return McpTransportContext.EMPTY;
                  }
                  return McpTransportContext.create(
                      Map.of(
                          McpCaller.CONTEXT_KEY,
                          principal,
                          McpCaller.BROWSER_KEY,
                          new McpCaller.Browser(p, links.appOrigins(request))));
                })
            .build();
    var changes = new ChangesResource(sessions);
    this.server = BerthMcp.streamable(transport, sessions, links, version, changes);
    var limits =
        new McpSessionLimits(
            settings.sessionIdleTimeout(), settings.maxSessionsPerToken(), Clock.systemUTC());
    this.subscriptions = new ChangeSubscriptions(sessions.workspace(), changes, limits::live);
    subscriptions.notifyWith(
        uri -> server.notifyResourcesUpdated(new ResourcesUpdatedNotification(uri)));
    this.guard =
        new McpTransportGuard(
            transport.protocolVersions(),
            ownOrigin,
            limits,
            new McpCancellations(),
            maxBodyBytes,
            subscriptions);
  }

  /** Adds the servlet and its auth filter to Jetty's servlet context. */
  public void mount(ServletContextHandler context) {
    var servlet = new ServletHolder("berth-mcp", transport);
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, PATH);
    // Filters run in the order they are added: the token first, so that a request without one
    // reads no body (the limit buffers a chunked body of up to maxMcpRequestBytes).
    var filter = new FilterHolder(new BearerFilter());
    filter.setAsyncSupported(true);
    context.addFilter(filter, PATH, EnumSet.of(DispatcherType.REQUEST));
    var limit = new FilterHolder(new McpBodyLimit(maxBodyBytes));
    limit.setAsyncSupported(true);
    context.addFilter(limit, PATH, EnumSet.of(DispatcherType.REQUEST));
    var checks = new FilterHolder(guard);
    checks.setAsyncSupported(true);
    context.addFilter(checks, PATH, EnumSet.of(DispatcherType.REQUEST));
  }

  @Override
  public void close() {
    subscriptions.close();
    server.closeGracefully();
  }

  /** 401 with the same JSON error shape as the REST API, before the MCP transport sees anything. */
  private final class BearerFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      var request = (HttpServletRequest) req;
      var response = (HttpServletResponse) res;
      String header = request.getHeader("Authorization");
      String token =
          header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
              ? header.substring(7).trim()
              : null;
      Principal principal;
      try {
        principal = tokens.authenticate(token);
      } catch (BerthException e) {
        if (e.code() == dev.berth.base.ErrorCode.UNAUTHORIZED) {
          response.setHeader("WWW-Authenticate", "Bearer realm=\"berth\"");
        }
        // At most UnreadRequestBody.UNAUTHENTICATED_LIMIT of the body, so the answer arrives.
        UnreadRequestBody.discard(request, response);
        McpBodyLimit.error(response, e); // 401, or 403 for a session token its backend refuses
        return;
      }
      request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
      request.setAttribute(PROOF_ATTRIBUTE, LoginProof.of(token));
      UnreadRequestBody.authenticated(request);
      chain.doFilter(req, res);
    }
  }
}
