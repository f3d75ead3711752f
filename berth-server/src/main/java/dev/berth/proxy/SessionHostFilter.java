package dev.berth.proxy;

import dev.berth.proxy.SessionHosts.Pass;
import dev.berth.proxy.SessionHosts.Redirect;
import dev.berth.proxy.SessionHosts.Refuse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Applies {@link SessionHosts} to every request of the server (the API, the dashboard, MCP and the
 * proxy), ahead of every other filter, so nothing of Berth's answers on a session's host.
 */
final class SessionHostFilter extends HttpFilter {
  private final transient BrowserOrigins origins;

  SessionHostFilter(BrowserOrigins origins) {
    this.origins = origins;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    String host = req.getHeader("Host");
    String decoded = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    var decision =
        SessionHosts.route(
            origins,
            req.getMethod(),
            WebSocketUpgrade.isUpgrade(req),
            req.getScheme(),
            host,
            req.getRequestURI(),
            decoded,
            req.getQueryString());
    boolean mainHost = origins.hostKind(host) instanceof BrowserOrigins.MainHost;
    if (!mainHost) {
      // Pages answered here must not lean on Berth's own paths, which this host does not serve.
      req.setAttribute(ProxyPages.ON_SESSION_HOST, origins.dashboardUrl().orElse(""));
    }
    switch (decision) {
      case Pass p -> chain.doFilter(req, resp);
      case Redirect r -> {
        resp.setStatus(303);
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("Location", r.location());
      }
      case Refuse r -> ProxyPages.send(req, resp, r.page());
    }
  }
}
