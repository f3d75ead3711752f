package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.proxy.BrowserOrigins.MainHost;
import dev.berth.proxy.BrowserOrigins.NoSessionHost;
import dev.berth.proxy.BrowserOrigins.SessionHost;
import dev.berth.proxy.SessionHosts.Pass;
import dev.berth.proxy.SessionHosts.Redirect;
import dev.berth.proxy.SessionHosts.Refuse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The host rules as pure functions (the real server's behaviour is in SessionHostsTest). */
class SessionHostsRouteTest {
  private static final BrowserOrigins APPS = new BrowserOrigins("", "apps.test");
  private static final SessionId DEMO = SessionId.of("demo");

  @Test
  void hostsAreSortedIntoBerthsAndSessions() {
    assertThat(APPS.hostKind("demo.apps.test:7780")).isEqualTo(new SessionHost(DEMO));
    assertThat(APPS.hostKind("DEMO.Apps.Test.")).isEqualTo(new SessionHost(DEMO));
    assertThat(APPS.hostKind("apps.test:7780")).isEqualTo(new MainHost());
    assertThat(APPS.hostKind("berth.example.org")).isEqualTo(new MainHost());
    assertThat(APPS.hostKind("[::1]:7780")).isEqualTo(new MainHost());
    assertThat(APPS.hostKind(null)).isEqualTo(new MainHost());
    assertThat(APPS.hostKind("xapps.test")).isEqualTo(new MainHost());
    assertThat(APPS.hostKind("a.b.apps.test")).isEqualTo(new NoSessionHost("a.b.apps.test"));
    assertThat(BrowserOrigins.none().hostKind("demo.apps.test")).isEqualTo(new MainHost());
  }

  @Test
  void aSessionsOriginTakesThePublicAddressesSchemeAndPortElseTheRequests() {
    assertThat(APPS.sessionOrigin(DEMO, "http", "127.0.0.1:7780"))
        .isEqualTo("http://demo.apps.test:7780");
    assertThat(APPS.sessionOrigin(DEMO, "http", "berth.test")).isEqualTo("http://demo.apps.test");
    // Nothing but a port is taken from Host.
    assertThat(APPS.sessionOrigin(DEMO, "http", "x:80@evil.example"))
        .isEqualTo("http://demo.apps.test");
    var behindTls = new BrowserOrigins("https://berth.test", "apps.test");
    assertThat(behindTls.sessionOrigin(DEMO, "http", "127.0.0.1:7780"))
        .isEqualTo("https://demo.apps.test");
    assertThat(
            new BrowserOrigins("https://berth.test:8443", "apps.test")
                .appOrigin(DEMO, "http", null))
        .isEqualTo("https://demo.apps.test:8443");
    assertThat(new BrowserOrigins("https://berth.test", "").appOrigin(DEMO, "http", "x:1"))
        .isEqualTo("https://berth.test");
    assertThat(BrowserOrigins.none().appOrigin(DEMO, "http", "x:1")).isEqualTo("http://x:1");
  }

  @Test
  void routes() {
    assertThat(route(BrowserOrigins.none(), "POST", "demo.apps.test", "/api/v1/sessions"))
        .isEqualTo(new Pass(Optional.empty()));
    assertThat(route(APPS, "GET", "berth:7780", "/s/demo/x"))
        .isEqualTo(new Redirect("http://demo.apps.test:7780/s/demo/x?q=1"));
    assertThat(route(APPS, "PUT", "berth:7780", "/s/demo/x")).isInstanceOf(Refuse.class);
    assertThat(((Refuse) route(APPS, "PUT", "berth:7780", "/s/demo/x")).page().status())
        .isEqualTo(421);
    assertThat(route(APPS, "GET", "berth:7780", "/api/v1/sessions"))
        .isEqualTo(new Pass(Optional.empty()));
    assertThat(route(APPS, "POST", "demo.apps.test", "/s/demo/x"))
        .isEqualTo(new Pass(Optional.of(DEMO)));
    assertThat(route(APPS, "GET", "demo.apps.test", "/s/demo"))
        .isEqualTo(new Pass(Optional.of(DEMO)));
    for (String path : new String[] {"/", "/api/v1/sessions", "/s/demox/", "/s/other/", "/mcp"}) {
      assertThat(((Refuse) route(APPS, "GET", "demo.apps.test", path)).page().status())
          .as(path)
          .isEqualTo(404);
    }
    // The raw path and the path the server maps must both be inside the session.
    var dotted =
        SessionHosts.route(
            APPS,
            "GET",
            false,
            "http",
            "demo.apps.test",
            "demo.apps.test",
            "/s/demo/../../api/v1/me",
            "/api/v1/me",
            null);
    assertThat(((Refuse) dotted).page().status()).isEqualTo(404);
  }

  private static SessionHosts.Decision route(
      BrowserOrigins origins, String method, String host, String path) {
    return SessionHosts.route(origins, method, false, "http", host, host, path, path, "q=1");
  }
}
