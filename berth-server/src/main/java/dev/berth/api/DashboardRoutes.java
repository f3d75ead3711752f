package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.config.StrictObject;
import dev.berth.proxy.BrowserOrigins;
import dev.berth.service.SessionService;
import dev.berth.template.ProxySettings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Browser logins over REST: the dashboard's login and logout (an HttpOnly cookie instead of a token
 * the page's script could read), who is logged in, and one-time login links into a session's proxy.
 */
final class DashboardRoutes {
  static final String LOGIN = "/api/v1/login";
  static final String LOGOUT = "/api/v1/logout";

  private final SessionService sessions;
  private final Tokens tokens;
  private final BrowserLogins logins;
  private final BrowserOrigins origins;

  DashboardRoutes(
      SessionService sessions, Tokens tokens, BrowserLogins logins, BrowserOrigins origins) {
    this.origins = origins;
    this.sessions = sessions;
    this.tokens = tokens;
    this.logins = logins;
  }

  void register(RoutesConfig r) {
    r.post(LOGIN, this::login);
    r.post(LOGOUT, this::logout);
    r.get("/api/v1/me", ctx -> ctx.json(Me.of(principal(ctx))));
    r.post("/api/v1/sessions/{id}/login-link", this::loginLink);
  }

  record Me(String role, String session) {
    static Me of(Principal p) {
      return switch (p) {
        case Principal.Admin a -> new Me("admin", null);
        case Principal.SessionScoped s -> new Me("session", s.sessionId().value());
      };
    }
  }

  record LoginLinkView(String session, String path, String url, Instant expiresAt) {}

  private void login(Context ctx) {
    List<String> errors = new ArrayList<>();
    var body = RequestBodies.fields(RequestBodies.json(ctx, false), errors);
    String token = body.string("token").orElse("").strip();
    body.checkNoUnknownKeys();
    StrictObject.throwIfErrors("invalid request", errors);
    if (token.isEmpty()) {
      throw BerthException.badRequest(
          "send {\"token\": \"...\"}: the admin token or a session token");
    }
    Principal p = tokens.authenticate(token);
    String value = logins.issueDashboardLogin(p, LoginProof.of(token));
    ctx.header(
        "Set-Cookie",
        ApiAuth.DASHBOARD_COOKIE
            + "="
            + value
            + "; Path=/api/; Max-Age="
            + BrowserLogins.DASHBOARD_TTL.toSeconds()
            + "; HttpOnly; SameSite=Strict"
            + secure(ctx));
    ctx.json(Me.of(p));
  }

  /** Host-only (no Domain), so the login never reaches a session's own host. */
  private String secure(Context ctx) {
    return origins.scheme(ctx.req()).equals("https") || origins.secureCookies() ? "; Secure" : "";
  }

  private void logout(Context ctx) {
    logins.revoke(ctx.cookie(ApiAuth.DASHBOARD_COOKIE));
    ctx.header(
        "Set-Cookie",
        ApiAuth.DASHBOARD_COOKIE
            + "=; Path=/api/; Max-Age=0; HttpOnly; SameSite=Strict"
            + secure(ctx));
    ctx.status(204);
  }

  private void loginLink(Context ctx) {
    SessionId id = SessionRoutes.id(ctx);
    sessions.get(id); // 404 for an unknown session: no link into nothing
    BrowserLogins.LoginLink link = logins.issueLink(id, principal(ctx), ApiAuth.proof(ctx));
    String path = ProxySettings.basePath(id) + "?token=" + link.code();
    // On the session's own host when apps have one; Berth's public address, else this request's.
    // (A trusted reverse proxy's X-Forwarded-Proto/Host say how the browser reached Berth.)
    String url = origins.appOrigin(id, origins.scheme(ctx.req()), origins.host(ctx.req())) + path;
    ctx.status(201).json(new LoginLinkView(id.value(), path, url, link.expiresAt()));
  }
}
