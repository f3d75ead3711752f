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
    // Behind a TLS-terminating proxy the request itself is plain http: the session host's address
    // must be the one the browser can use (https, the browser's port), as the proxy says.
    BrowserAddress browser = BrowserAddress.of(req, origins.trustedProxies());
    String decoded = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    var decision =
        SessionHosts.route(
            origins,
            req.getMethod(),
            WebSocketUpgrade.isUpgrade(req),
            browser.scheme(),
            host,
            browser.host(),
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
