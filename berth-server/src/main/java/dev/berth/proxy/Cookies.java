package dev.berth.proxy;

import dev.berth.auth.BrowserLogins;
import dev.berth.base.SessionId;
import dev.berth.template.ProxySettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The proxy cookie: HttpOnly (no script reads it), scoped to the session's path (the browser sends
 * it to that session only), SameSite=Lax (not sent with cross-site subrequests and form posts, but
 * sent when a link from elsewhere opens the session), Secure when Berth is reached over HTTPS (its
 * public address is https, or a trusted proxy says the browser used https), and host-only.
 */
final class Cookies {
  private Cookies() {}

  static void setProxyCookie(
      HttpServletRequest req,
      HttpServletResponse resp,
      SessionId id,
      String value,
      BrowserOrigins origins) {
    // No Domain attribute: the cookie stays on the host that set it (a session's own host, with
    // an apps domain), so it is never sent to another session's host.
    resp.addHeader(
        "Set-Cookie",
        ProxyHeaders.COOKIE
            + "="
            + value
            + "; Path="
            + ProxySettings.basePath(id)
            + "; Max-Age="
            + BrowserLogins.PROXY_TTL.toSeconds()
            + "; HttpOnly; SameSite=Lax"
            + (origins.secureCookies() || origins.scheme(req).equals("https") ? "; Secure" : ""));
  }
}
