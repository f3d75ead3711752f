package dev.berth.api;

import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.session.BerthException;
import dev.berth.session.ErrorCode;
import io.javalin.http.Context;
import java.util.Locale;

/** Reads the bearer token of a request and remembers who is calling for the route handlers. */
final class ApiAuth {
  private static final String PRINCIPAL = "berth.principal";
  private final Tokens tokens;

  ApiAuth(Tokens tokens) {
    this.tokens = tokens;
  }

  /** A before-handler: 401 unless the request carries a valid token. */
  void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token = null;
    if (header != null && header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      token = header.substring(7).trim();
    } else if (header != null) {
      throw new BerthException(
          ErrorCode.UNAUTHORIZED,
          "use 'Authorization: Bearer <token>'; other schemes are not known");
    }
    ctx.attribute(PRINCIPAL, tokens.authenticate(token));
  }

  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new BerthException(ErrorCode.UNAUTHORIZED, "not authenticated");
    }
    return p;
  }
}
