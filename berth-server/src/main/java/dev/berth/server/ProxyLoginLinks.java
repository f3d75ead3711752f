package dev.berth.server;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.LoginLinks;
import dev.berth.proxy.BrowserOrigins;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Function;

/**
 * The proxy's login links for MCP's session_preview_link: the same links and addresses as REST's
 * {@code POST /api/v1/sessions/<id>/login-link}.
 */
record ProxyLoginLinks(BrowserLogins logins, BrowserOrigins origins) implements LoginLinks {
  @Override
  public Function<SessionId, String> appOrigins(HttpServletRequest request) {
    // Read now: the request is not at hand once the tool runs on another thread.
    String scheme = origins.scheme(request);
    String host = origins.host(request);
    return id -> origins.appOrigin(id, scheme, host);
  }

  @Override
  public Issued issue(SessionId id, Principal principal, LoginProof proof) {
    BrowserLogins.LoginLink link = logins.issueLink(id, principal, proof);
    return new Issued(link.code(), link.expiresAt());
  }
}
