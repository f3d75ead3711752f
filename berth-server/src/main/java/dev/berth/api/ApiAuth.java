package dev.berth.api;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.http.UnreadRequestBody;
import dev.berth.proxy.BrowserOrigins;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * Reads the bearer token of a request (or the dashboard's login cookie) and remembers who is
 * calling for the route handlers.
 */
final class ApiAuth {
  private static final String PRINCIPAL = "berth.principal";
  private static final String PROOF = "berth.proof";

  /** The dashboard's login: HttpOnly, sent to the API only. */
  static final String DASHBOARD_COOKIE = "berth_dashboard";

  /**
   * Sent by the dashboard with every call that rides its cookie. Another site's page cannot add a
   * header to a cross-origin request without Berth's consent (CORS preflight, never granted), so a
   * cookie without it is not a dashboard call: cross-site request forgery is refused.
   */
  static final String DASHBOARD_HEADER = "X-Requested-By";

  private final Tokens tokens;
  private final BrowserLogins logins;
  private final BrowserOrigins origins;

  /** {@code origins}: where browsers reach Berth, for the WebSocket rule below. */
  ApiAuth(Tokens tokens, BrowserLogins logins, BrowserOrigins origins) {
    this.tokens = tokens;
    this.logins = logins;
    this.origins = origins;
  }

  /** A before-handler: 401 unless the request carries a valid token or dashboard login. */
  void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String cookie = ctx.cookie(DASHBOARD_COOKIE);
    if (header == null && cookie != null && logins != null) {
      if (ctx.header(DASHBOARD_HEADER) == null) {
        throw new BerthException(
            ErrorCode.UNAUTHORIZED,
            "a dashboard login works only with the '" + DASHBOARD_HEADER + "' header");
      }
      authenticateCookie(ctx, cookie);
      return;
    }
    String token = null;
    if (header != null && header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      token = header.substring(7).trim();
    } else if (header != null) {
      throw new BerthException(
          ErrorCode.UNAUTHORIZED,
          "use 'Authorization: Bearer <token>'; other schemes are not known");
    }
    ctx.attribute(PRINCIPAL, tokens.authenticate(token));
    ctx.attribute(PROOF, LoginProof.of(token));
    UnreadRequestBody.authenticated(ctx.req());
  }

  private void authenticateCookie(Context ctx, String cookie) {
    if (logins == null) {
      throw new BerthException(ErrorCode.UNAUTHORIZED, "dashboard logins are not enabled");
    }
    ctx.attribute(PROOF, LoginProof.of(cookie));
    ctx.attribute(
        PRINCIPAL,
        logins
            .dashboardLogin(cookie)
            .orElseThrow(
                () ->
                    new BerthException(
                        ErrorCode.UNAUTHORIZED,
                        "the dashboard login has expired or was ended; log in again")));
    UnreadRequestBody.authenticated(ctx.req());
  }

  /**
   * {@link #authenticate} for a WebSocket upgrade. A browser cannot add a header to one, so a
   * dashboard login counts without {@link #DASHBOARD_HEADER} when the page that opens the socket is
   * Berth's own: its {@code Origin} names the host and port the browser reached Berth at, by the
   * rule the proxy uses ({@link BrowserOrigins#ownPage}: a trusted proxy's {@code
   * X-Forwarded-Host}, else {@code Host}, or the public address). Any other page's socket
   * (cross-site WebSocket hijacking) is refused.
   */
  void authenticateUpgrade(Context ctx) {
    if (ctx.header("Authorization") == null && ctx.cookie(DASHBOARD_COOKIE) != null) {
      String origin = ctx.header("Origin");
      if (!origins.ownPage(origin, ctx.req())) {
        throw new BerthException(
            ErrorCode.UNAUTHORIZED,
            "a dashboard login opens a WebSocket only from Berth's own pages (Origin "
                + origin
                + " is not "
                + origins.host(ctx.req())
                + (origins.publicUrl().isEmpty() ? "" : " or " + origins.publicUrl())
                + "; behind a reverse proxy, set publicUrl or trustedProxies)");
      }
      authenticateCookie(ctx, ctx.cookie(DASHBOARD_COOKIE));
      return;
    }
    authenticate(ctx);
  }

  /**
   * Whether the credential a request was let in with still works: a long-lived response (the event
   * stream) asks again when the caller's token may have been rotated.
   */
  boolean stillValid(LoginProof proof) {
    return logins != null ? logins.holds(proof) : tokens.holds(proof);
  }

  /** The credential the request was let in with (see {@link LoginProof}). */
  static LoginProof proof(Context ctx) {
    LoginProof p = ctx.attribute(PROOF);
    if (p == null) {
      throw new BerthException(ErrorCode.UNAUTHORIZED, "not authenticated");
    }
    return p;
  }

  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new BerthException(ErrorCode.UNAUTHORIZED, "not authenticated");
    }
    return p;
  }
}
