package dev.berth.auth;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.BrowserCredentialRecord;
import dev.berth.registry.BrowserCredentialRecord.Kind;
import dev.berth.registry.BrowserCredentialStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Credentials a browser holds instead of a token: one-time login links into a session's proxy, the
 * proxy cookie each turns into (it opens that one session, whoever logged in), and the dashboard's
 * login. A browser never keeps the admin token or a session token itself: a leaked cookie opens one
 * session for a limited time and is revoked with the session. Stored hashed, like tokens.
 *
 * <p>Each login is issued against the {@link LoginProof} it was asked with and refused if that
 * proof was revoked in the meantime (see {@link BrowserCredentialStore#saveIfProven}): a login
 * racing a token rotation never outlives it.
 */
public final class BrowserLogins {
  /** A login link is for clicking now: it works once, within a minute. */
  public static final Duration LINK_TTL = Duration.ofSeconds(60);

  /** How long a proxy cookie opens its session. */
  public static final Duration PROXY_TTL = Duration.ofHours(24);

  /** How long a dashboard login lasts. */
  public static final Duration DASHBOARD_TTL = Duration.ofHours(12);

  private static final String LINK_PREFIX = "berth_l_";

  private final BrowserCredentialStore credentials;
  private final Clock clock;

  public BrowserLogins(BrowserCredentialStore credentials, Clock clock) {
    this.credentials = credentials;
    this.clock = clock;
  }

  /** A login link's secret and when it stops working. */
  public record LoginLink(SessionId sessionId, String code, Instant expiresAt) {}

  /** What a proxy cookie or login link opens, and whether the admin logged in with it. */
  public record ProxyLogin(SessionId sessionId, boolean admin) {}

  /** True for a value that is a login link's code (rather than a token). */
  public static boolean isLoginLink(String value) {
    return value != null && value.startsWith(LINK_PREFIX);
  }

  /** What became of a login link presented to a session's proxy. */
  public sealed interface LinkUse {
    /** The link was good: it is used up, and {@code cookie} is the proxy cookie it became. */
    record LoggedIn(ProxyLogin login, String cookie) implements LinkUse {}

    /** The link opens another session: it is used up, and no cookie was made. */
    record OtherSession() implements LinkUse {}

    /** Unknown, used, expired or revoked: nothing changed. */
    record Invalid() implements LinkUse {}
  }

  /**
   * A one-time login link into {@code id}'s proxy, asked for by {@code issuer} with {@code proof};
   * refuses callers who cannot open it (404) and a proof revoked since it was checked (401).
   */
  public LoginLink issueLink(SessionId id, Principal issuer, LoginProof proof) {
    issuer.checkAccess(id);
    String code = Tokens.fresh("l");
    Instant expires = clock.instant().plus(LINK_TTL);
    save(code, Kind.LINK, Optional.of(id), issuer instanceof Principal.Admin, expires, proof);
    return new LoginLink(id, code, expires);
  }

  /**
   * Uses up a login link presented to session {@code id}'s proxy and, when it opens {@code id},
   * makes the proxy cookie it turns into, in one step: a rotation that revokes the link either
   * comes first (the link is gone) or revokes the cookie too.
   */
  public LinkUse useLink(String code, SessionId id) {
    Instant now = clock.instant();
    String cookie = Tokens.fresh("p");
    var used =
        credentials.exchange(
            Tokens.hash(code),
            Kind.LINK,
            now,
            link ->
                link.sessionId().equals(Optional.of(id))
                    ? Optional.of(
                        new BrowserCredentialRecord(
                            Tokens.hash(cookie),
                            Kind.PROXY,
                            link.sessionId(),
                            link.admin(),
                            now.plus(PROXY_TTL)))
                    : Optional.empty());
    if (used.isEmpty()) {
      return new LinkUse.Invalid();
    }
    if (!used.get().sessionId().equals(Optional.of(id))) {
      return new LinkUse.OtherSession();
    }
    return new LinkUse.LoggedIn(new ProxyLogin(id, used.get().admin()), cookie);
  }

  /**
   * A new proxy cookie value that opens {@code login}'s session, for the holder of {@code proof} (a
   * token presented as {@code ?token=}); empty when that token was revoked since it was checked.
   */
  public Optional<String> issueProxyCookie(ProxyLogin login, LoginProof proof) {
    String value = Tokens.fresh("p");
    var r =
        new BrowserCredentialRecord(
            Tokens.hash(value),
            Kind.PROXY,
            Optional.of(login.sessionId()),
            login.admin(),
            clock.instant().plus(PROXY_TTL));
    return credentials.saveIfProven(r, proof.hash(), clock.instant())
        ? Optional.of(value)
        : Optional.empty();
  }

  /** Whether {@code proof} still works: its token or browser credential is not revoked or over. */
  public boolean holds(LoginProof proof) {
    return credentials.proven(proof.hash(), clock.instant());
  }

  /** What a proxy cookie opens, or empty when it is unknown or expired. */
  public Optional<ProxyLogin> proxyCookie(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return credentials
        .find(Tokens.hash(value), Kind.PROXY, clock.instant())
        .map(r -> new ProxyLogin(r.sessionId().orElseThrow(), r.admin()));
  }

  /**
   * A dashboard login for {@code principal} (the admin, or one session's token holder), who proved
   * it with {@code proof}; 401 when that token was revoked since it was checked.
   */
  public String issueDashboardLogin(Principal principal, LoginProof proof) {
    String value = Tokens.fresh("d");
    Optional<SessionId> session =
        switch (principal) {
          case Principal.Admin a -> Optional.empty();
          case Principal.SessionScoped s -> Optional.of(s.sessionId());
        };
    save(
        value,
        Kind.DASHBOARD,
        session,
        principal instanceof Principal.Admin,
        clock.instant().plus(DASHBOARD_TTL),
        proof);
    return value;
  }

  /** Who a dashboard login is, or empty when it is unknown or expired. */
  public Optional<Principal> dashboardLogin(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return credentials
        .find(Tokens.hash(value), Kind.DASHBOARD, clock.instant())
        .map(
            r ->
                r.admin()
                    ? new Principal.Admin()
                    : new Principal.SessionScoped(r.sessionId().orElseThrow()));
  }

  /** Ends a dashboard login or proxy cookie (log out). */
  public void revoke(String value) {
    if (value != null && !value.isBlank()) {
      credentials.delete(Tokens.hash(value));
    }
  }

  private void save(
      String secret,
      Kind kind,
      Optional<SessionId> session,
      boolean admin,
      Instant expires,
      LoginProof proof) {
    var r = new BrowserCredentialRecord(Tokens.hash(secret), kind, session, admin, expires);
    if (!credentials.saveIfProven(r, proof.hash(), clock.instant())) {
      throw new BerthException(
          ErrorCode.UNAUTHORIZED,
          "the token or login this was asked with no longer works (the session's token was rotated"
              + " or the session deleted); use the current token");
    }
  }
}
