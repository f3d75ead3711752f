package dev.berth.auth;

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

  /** A one-time login link into {@code id}'s proxy; refuses callers who cannot open it (404). */
  public LoginLink issueLink(SessionId id, Principal issuer) {
    issuer.checkAccess(id);
    String code = Tokens.fresh("l");
    Instant expires = clock.instant().plus(LINK_TTL);
    save(code, Kind.LINK, Optional.of(id), issuer instanceof Principal.Admin, expires);
    return new LoginLink(id, code, expires);
  }

  /** Uses up a login link: what it opens, or empty when it is unknown, used or expired. */
  public Optional<ProxyLogin> takeLink(String code) {
    return credentials
        .take(Tokens.hash(code), Kind.LINK, clock.instant())
        .map(r -> new ProxyLogin(r.sessionId().orElseThrow(), r.admin()));
  }

  /** A new proxy cookie value that opens {@code id}. */
  public String issueProxyCookie(ProxyLogin login) {
    String value = Tokens.fresh("p");
    save(
        value,
        Kind.PROXY,
        Optional.of(login.sessionId()),
        login.admin(),
        clock.instant().plus(PROXY_TTL));
    return value;
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

  /** A dashboard login for {@code principal} (the admin, or one session's token holder). */
  public String issueDashboardLogin(Principal principal) {
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
        clock.instant().plus(DASHBOARD_TTL));
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
      String secret, Kind kind, Optional<SessionId> session, boolean admin, Instant expires) {
    credentials.save(
        new BrowserCredentialRecord(Tokens.hash(secret), kind, session, admin, expires),
        clock.instant());
  }
}
