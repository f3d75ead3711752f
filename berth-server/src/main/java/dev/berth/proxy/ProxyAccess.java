package dev.berth.proxy;

import dev.berth.auth.BrowserLogins;
import dev.berth.auth.BrowserLogins.LinkUse;
import dev.berth.auth.BrowserLogins.ProxyLogin;
import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * Who may open a session through the proxy: the holder of a Berth token (the admin's, or that
 * session's) in the Authorization header, or a browser with that session's proxy cookie. A login
 * ({@code ?token=} with a token or a one-time link) turns into the cookie. A credential of session
 * A never opens session B: that is a 403, whether B exists or not, so nothing is learnt about B.
 */
final class ProxyAccess {
  private final Tokens tokens;
  private final BrowserLogins logins;

  ProxyAccess(Tokens tokens, BrowserLogins logins) {
    this.tokens = tokens;
    this.logins = logins;
  }

  /** Either who is asking (and whether it is the admin) or the page that says no. */
  sealed interface Outcome {}

  record Granted(ProxyLogin login) implements Outcome {}

  record Denied(ProxyPages.Page page) implements Outcome, LoginOutcome {}

  /** A {@code ?token=} login: the cookie it made, or the page that says no. */
  sealed interface LoginOutcome {}

  record LoggedIn(ProxyLogin login, String cookie) implements LoginOutcome {}

  /** Checks the request's credentials for session {@code id}; {@code queryToken} may be null. */
  Outcome authenticate(HttpServletRequest req, SessionId id, String queryToken) {
    String authorization = req.getHeader("Authorization");
    if (authorization != null && ProxyHeaders.isBerthBearer(authorization)) {
      return byToken(authorization.trim().substring(7).trim(), id);
    }
    if (queryToken != null && !BrowserLogins.isLoginLink(queryToken)) {
      return byToken(queryToken, id);
    }
    boolean sawCookie = false;
    boolean otherSession = false;
    Cookie[] cookies = req.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (!c.getName().equals(ProxyHeaders.COOKIE)) {
          continue;
        }
        sawCookie = true;
        Optional<ProxyLogin> login = logins.proxyCookie(c.getValue());
        if (login.isPresent() && login.get().sessionId().equals(id)) {
          return new Granted(login.get());
        }
        otherSession |= login.isPresent();
      }
    }
    if (otherSession) {
      return new Denied(ProxyPages.forbidden(otherSessionMessage(id)));
    }
    return new Denied(
        ProxyPages.unauthorized(
            sawCookie
                ? "Your login to session '"
                    + id
                    + "' has expired or was revoked. Open the session again from the Berth"
                    + " dashboard."
                : "Open session '"
                    + id
                    + "' from the Berth dashboard, with a login link, or add ?token=<session"
                    + " token> to the address once."));
  }

  /**
   * A login with {@code ?token=}: a one-time link's code (used up here) or a Berth token. LoggedIn
   * means: set its cookie and redirect to the address without the token. The cookie is written only
   * while what it was got with still works, so a login racing a token rotation never leaves a
   * cookie behind it.
   */
  LoginOutcome login(String token, SessionId id) {
    if (BrowserLogins.isLoginLink(token)) {
      return switch (logins.useLink(token, id)) {
        case LinkUse.LoggedIn in -> new LoggedIn(in.login(), in.cookie());
        case LinkUse.OtherSession other ->
            new Denied(ProxyPages.forbidden(otherSessionMessage(id)));
        case LinkUse.Invalid invalid ->
            new Denied(
                ProxyPages.unauthorized(
                    "This login link was already used or has expired (links work once, for a"
                        + " minute). Get a new one from the Berth dashboard."));
      };
    }
    return switch (byToken(token, id)) {
      case Denied d -> d;
      case Granted g ->
          logins
              .issueProxyCookie(g.login(), LoginProof.of(token))
              .<LoginOutcome>map(cookie -> new LoggedIn(g.login(), cookie))
              .orElseGet(() -> invalidToken());
    };
  }

  private Outcome byToken(String token, SessionId id) {
    Principal principal;
    try {
      principal = tokens.authenticate(token);
    } catch (BerthException e) {
      // A valid session token that its session's backend refuses (local) says why and what to do.
      return e.code() == dev.berth.base.ErrorCode.FORBIDDEN
          ? new Denied(ProxyPages.forbidden(e.getMessage()))
          : invalidToken();
    }
    if (!principal.canAccess(id)) {
      return new Denied(ProxyPages.forbidden(otherSessionMessage(id)));
    }
    return new Granted(new ProxyLogin(id, principal instanceof Principal.Admin));
  }

  private static Denied invalidToken() {
    return new Denied(
        ProxyPages.unauthorized(
            "The token is not valid (a deleted session's token, or one replaced by a rotation,"
                + " stops working). Use the session's current token or the admin token."));
  }

  private static String otherSessionMessage(SessionId id) {
    return "The login or token you used opens another session, not '"
        + id
        + "'. Open this session with its own login link or token.";
  }
}
