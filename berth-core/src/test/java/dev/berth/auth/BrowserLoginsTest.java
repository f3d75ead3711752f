package dev.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.BrowserLogins.LinkUse;
import dev.berth.auth.BrowserLogins.ProxyLogin;
import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Browser credentials: one use for links, expiry for all, one session each, gone on delete. */
class BrowserLoginsTest {
  private static final SessionId A = SessionId.of("a");
  private static final SessionId B = SessionId.of("b");

  @TempDir Path dir;
  private Registry registry;
  private Instant now = Instant.parse("2026-01-01T10:00:00Z");
  private BrowserLogins logins;
  private Tokens tokens;
  private LoginProof admin;
  private LoginProof holderOfA;

  @BeforeEach
  void open() {
    registry = Registry.openSqlite(dir.resolve("berth.db"));
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    logins = new BrowserLogins(registry.browserCredentials(), clock);
    tokens = new Tokens(registry.tokens(), clock);
    admin = LoginProof.of(tokens.createAdminTokenIfMissing().orElseThrow());
    holderOfA = LoginProof.of(tokens.issueSessionToken(A));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void aLoginLinkWorksOnceAndOnlyWithinItsMinute() {
    var link = logins.issueLink(A, new Principal.Admin(), admin);
    assertThat(BrowserLogins.isLoginLink(link.code())).isTrue();
    assertThat(link.expiresAt()).isEqualTo(now.plus(BrowserLogins.LINK_TTL));
    var used = logins.useLink(link.code(), A);
    assertThat(used).isInstanceOf(LinkUse.LoggedIn.class);
    var in = (LinkUse.LoggedIn) used;
    assertThat(in.login()).isEqualTo(new ProxyLogin(A, true));
    assertThat(logins.proxyCookie(in.cookie())).as("the cookie it became").hasValue(in.login());
    assertThat(logins.useLink(link.code(), A)).isEqualTo(new LinkUse.Invalid());

    var late = logins.issueLink(A, new Principal.SessionScoped(A), holderOfA);
    now = now.plus(BrowserLogins.LINK_TTL).plusMillis(1);
    assertThat(logins.useLink(late.code(), A)).isEqualTo(new LinkUse.Invalid());
  }

  @Test
  void aLinkIntoAnotherSessionIsUsedUpAndMakesNoCookie() {
    var link = logins.issueLink(A, new Principal.SessionScoped(A), holderOfA);
    assertThat(logins.useLink(link.code(), B)).isEqualTo(new LinkUse.OtherSession());
    assertThat(logins.useLink(link.code(), A)).isEqualTo(new LinkUse.Invalid());
  }

  @Test
  void noLoginIsMadeWithATokenRevokedSinceItWasChecked() {
    // The edges check the token, then ask for the login: a rotation or delete may run in between
    // (RegistryContract has the rotation itself).
    var checked = new Principal.SessionScoped(A);
    registry.tokens().deleteSession(A);
    assertThat(logins.issueProxyCookie(new ProxyLogin(A, false), holderOfA)).isEmpty();
    assertThatThrownBy(() -> logins.issueLink(A, checked, holderOfA))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("no longer works");
    assertThatThrownBy(() -> logins.issueDashboardLogin(checked, holderOfA))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("no longer works");
    assertThat(logins.holds(holderOfA)).isFalse();
    assertThat(logins.holds(admin)).isTrue();
  }

  @Test
  void onlyThoseWhoCanOpenASessionGetALinkToIt() {
    assertThatThrownBy(() -> logins.issueLink(B, new Principal.SessionScoped(A), holderOfA))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("no session 'b'");
  }

  @Test
  void aProxyCookieOpensItsSessionUntilItExpiresOrTheSessionsTokensGo() {
    String cookie = logins.issueProxyCookie(new ProxyLogin(A, false), holderOfA).orElseThrow();
    assertThat(logins.proxyCookie(cookie)).hasValue(new ProxyLogin(A, false));
    assertThat(logins.proxyCookie("berth_p_unknown")).isEmpty();
    assertThat(logins.proxyCookie(null)).isEmpty();
    now = now.plus(BrowserLogins.PROXY_TTL).minus(Duration.ofSeconds(1));
    assertThat(logins.proxyCookie(cookie)).isPresent();
    // What a session's delete does: its tokens and its browser credentials go.
    registry.tokens().deleteSession(A);
    assertThat(logins.proxyCookie(cookie)).isEmpty();

    String expiring = logins.issueProxyCookie(new ProxyLogin(B, true), admin).orElseThrow();
    now = now.plus(BrowserLogins.PROXY_TTL);
    assertThat(logins.proxyCookie(expiring)).isEmpty();
  }

  @Test
  void aDashboardLoginStandsForItsPrincipalUntilRevoked() {
    String adminLogin = logins.issueDashboardLogin(new Principal.Admin(), admin);
    var holderOfB = LoginProof.of(tokens.issueSessionToken(B));
    String session = logins.issueDashboardLogin(new Principal.SessionScoped(B), holderOfB);
    assertThat(logins.dashboardLogin(adminLogin)).hasValue(new Principal.Admin());
    assertThat(logins.dashboardLogin(session)).hasValue(new Principal.SessionScoped(B));
    // Kinds do not mix: a dashboard login is not a proxy cookie.
    assertThat(logins.proxyCookie(session)).isEmpty();
    logins.revoke(adminLogin);
    assertThat(logins.dashboardLogin(adminLogin)).isEmpty();
    now = now.plus(BrowserLogins.DASHBOARD_TTL);
    assertThat(logins.dashboardLogin(session)).isEmpty();
  }
}
