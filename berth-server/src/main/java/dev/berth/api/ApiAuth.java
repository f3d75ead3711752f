package dev.berth.api;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.http.UnreadRequestBody;
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

  ApiAuth(Tokens tokens, BrowserLogins logins) {
    this.tokens = tokens;
    this.logins = logins;
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
