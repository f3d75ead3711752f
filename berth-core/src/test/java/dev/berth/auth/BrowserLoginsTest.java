package dev.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void aLoginLinkWorksOnceAndOnlyWithinItsMinute() {
    var link = logins.issueLink(A, new Principal.Admin());
    assertThat(BrowserLogins.isLoginLink(link.code())).isTrue();
    assertThat(link.expiresAt()).isEqualTo(now.plus(BrowserLogins.LINK_TTL));
    assertThat(logins.takeLink(link.code())).hasValue(new ProxyLogin(A, true));
    assertThat(logins.takeLink(link.code())).isEmpty();

    var late = logins.issueLink(A, new Principal.SessionScoped(A));
    now = now.plus(BrowserLogins.LINK_TTL).plusMillis(1);
    assertThat(logins.takeLink(late.code())).isEmpty();
  }

  @Test
  void onlyThoseWhoCanOpenASessionGetALinkToIt() {
    assertThatThrownBy(() -> logins.issueLink(B, new Principal.SessionScoped(A)))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("no session 'b'");
  }

  @Test
  void aProxyCookieOpensItsSessionUntilItExpiresOrTheSessionsTokensGo() {
    String cookie = logins.issueProxyCookie(new ProxyLogin(A, false));
    assertThat(logins.proxyCookie(cookie)).hasValue(new ProxyLogin(A, false));
    assertThat(logins.proxyCookie("berth_p_unknown")).isEmpty();
    assertThat(logins.proxyCookie(null)).isEmpty();
    now = now.plus(BrowserLogins.PROXY_TTL).minus(Duration.ofSeconds(1));
    assertThat(logins.proxyCookie(cookie)).isPresent();
    // What a session's delete does: its tokens and its browser credentials go.
    registry.tokens().deleteSession(A);
    registry.browserCredentials().deleteSession(A);
    assertThat(logins.proxyCookie(cookie)).isEmpty();

    String expiring = logins.issueProxyCookie(new ProxyLogin(B, true));
    now = now.plus(BrowserLogins.PROXY_TTL);
    assertThat(logins.proxyCookie(expiring)).isEmpty();
  }

  @Test
  void aDashboardLoginStandsForItsPrincipalUntilRevoked() {
    String admin = logins.issueDashboardLogin(new Principal.Admin());
    String session = logins.issueDashboardLogin(new Principal.SessionScoped(B));
    assertThat(logins.dashboardLogin(admin)).hasValue(new Principal.Admin());
    assertThat(logins.dashboardLogin(session)).hasValue(new Principal.SessionScoped(B));
    // Kinds do not mix: a dashboard login is not a proxy cookie.
    assertThat(logins.proxyCookie(session)).isEmpty();
    logins.revoke(admin);
    assertThat(logins.dashboardLogin(admin)).isEmpty();
    now = now.plus(BrowserLogins.DASHBOARD_TTL);
    assertThat(logins.dashboardLogin(session)).isEmpty();
  }
}
