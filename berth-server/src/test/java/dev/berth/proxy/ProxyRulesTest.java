package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.proxy.ProxyHeaders.App;
import dev.berth.proxy.ProxyHeaders.Client;
import dev.berth.proxy.ProxyHeaders.Header;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The proxy's pure rules: routes, Berth's query token, header filtering and rewriting. */
class ProxyRulesTest {
  private static final App STRIP =
      new App("http://127.0.0.1:5000", "/s/a/", false, Optional.empty());
  private static final App KEEP =
      new App("http://127.0.0.1:5000", "/s/a/", true, Optional.of("X-RStudio-Root-Path"));

  @Test
  void routes() {
    assertThat(ProxyRoute.parse("/s/a/x/y"))
        .isEqualTo(
            new ProxyRoute.Target(
                SessionId.of("a"), "/s/a/x/y", "/s/a/", OptionalInt.empty(), OptionalInt.empty()));
    assertThat(ProxyRoute.parse("/s/a")).isEqualTo(new ProxyRoute.AddSlash("/s/a/"));
    assertThat(ProxyRoute.parse("/s/Not_An_Id/")).isInstanceOf(ProxyRoute.NotFound.class);
    assertThat(ProxyRoute.parse("/s//x")).isInstanceOf(ProxyRoute.NotFound.class);
    var port = (ProxyRoute.Target) ProxyRoute.parse("/s/a/port/8888/lab?x");
    assertThat(port.portCandidate()).hasValue(8888);
    var routed = port.forPort(8888);
    assertThat(routed.prefix()).isEqualTo("/s/a/port/8888/");
    assertThat(routed.upstreamPath(false)).isEqualTo("/lab?x");
    assertThat(routed.upstreamPath(true)).isEqualTo("/s/a/port/8888/lab?x");
    assertThat(((ProxyRoute.Target) ProxyRoute.parse("/s/a/port/8888")).forPort(8888).needsSlash())
        .isTrue();
    assertThat(((ProxyRoute.Target) ProxyRoute.parse("/s/a/port/99999/")).portCandidate())
        .isEmpty();
    assertThat(((ProxyRoute.Target) ProxyRoute.parse("/s/a/")).upstreamPath(false)).isEqualTo("/");
    var inContainer = (ProxyRoute.Target) ProxyRoute.parse("/s/a/c/plugin/port/8080/x/y?q");
    assertThat(inContainer.containerCandidate())
        .contains(new ProxyRoute.ContainerPort("plugin", 8080));
    var toPlugin = inContainer.forContainer(inContainer.containerCandidate().get());
    assertThat(toPlugin.container()).contains("plugin");
    assertThat(toPlugin.port()).hasValue(8080);
    assertThat(toPlugin.prefix()).isEqualTo("/s/a/c/plugin/port/8080/");
    assertThat(toPlugin.upstreamPath(false)).isEqualTo("/x/y?q");
    var bare = (ProxyRoute.Target) ProxyRoute.parse("/s/a/c/plugin/port/8080");
    assertThat(bare.forContainer(bare.containerCandidate().get()).needsSlash()).isTrue();
    for (String notAContainer :
        List.of(
            "/s/a/c/Plugin/port/80/", "/s/a/c/plugin/80/", "/s/a/c/plugin/port/0/", "/s/a/c/")) {
      assertThat(((ProxyRoute.Target) ProxyRoute.parse(notAContainer)).containerCandidate())
          .as(notAContainer)
          .isEmpty();
    }
  }

  @Test
  void berthsQueryTokenIsFoundAndRemovedTheAppsIsNot() {
    assertThat(QueryTokens.berthToken("a=1&token=berth_s_x&b=2")).isEqualTo("berth_s_x");
    assertThat(QueryTokens.berthToken("token=jupyter")).isNull();
    assertThat(QueryTokens.berthToken("%74oken=berth%5Fl_y")).isEqualTo("berth_l_y");
    assertThat(QueryTokens.berthToken(null)).isNull();
    assertThat(QueryTokens.withoutBerthTokens("a=1&token=berth_s_x&token=own&b=%ZZ"))
        .isEqualTo("a=1&token=own&b=%ZZ");
    assertThat(QueryTokens.withoutBerthTokens("token=berth_s_x")).isEmpty();
  }

  @Test
  void requestHeadersForTheApp() {
    var client =
        new Client(
            List.of(
                new Header("Host", "berth.example:7780"),
                new Header("Connection", "keep-alive, X-Hop"),
                new Header("X-Hop", "dropped: named by Connection"),
                new Header("Cookie", "berth_proxy=secret; a=1"),
                new Header("Authorization", "Bearer berth_admin_x"),
                new Header("X-RStudio-Root-Path", "/evil"),
                new Header("X-Forwarded-For", "6.6.6.6"),
                new Header("Sec-WebSocket-Key", "k"),
                new Header("Accept", "*/*")),
            "10.0.0.9",
            "https",
            "berth.example:7780",
            7780);
    assertThat(ProxyHeaders.toApp(client, KEEP, true))
        .containsExactly(
            new Header("Cookie", "a=1"),
            new Header("Accept", "*/*"),
            new Header("Host", "berth.example:7780"),
            new Header("X-Forwarded-For", "10.0.0.9"),
            new Header("X-Forwarded-Host", "berth.example:7780"),
            new Header("X-Forwarded-Proto", "https"),
            new Header("X-Forwarded-Port", "7780"),
            new Header("X-RStudio-Root-Path", "/s/a"));
    assertThat(ProxyHeaders.toApp(client, STRIP, false))
        .contains(new Header("Sec-WebSocket-Key", "k"), new Header("X-Forwarded-Prefix", "/s/a"));
    assertThat(ProxyHeaders.withoutBerthCookie("berth_proxy=x")).isEmpty();
    assertThat(ProxyHeaders.isBerthBearer("bearer   berth_s_1")).isTrue();
    assertThat(ProxyHeaders.isBerthBearer("Bearer other")).isFalse();
  }

  @Test
  void responseHeadersForTheClient() {
    String pub = "https://berth.example";
    var fromApp =
        List.of(
            new Header("Transfer-Encoding", "chunked"),
            new Header("Content-Length", "10"),
            new Header("Location", "http://127.0.0.1:5000/login?next=%2F"),
            new Header("Set-Cookie", "_xsrf=1; Path=/; Domain=127.0.0.1; SameSite=Lax"),
            new Header("Set-Cookie", "berth_proxy=forged; Path=/s/a/"),
            new Header("Set-Cookie", "plain=2"),
            new Header("X-Evil", "a\r\nSet-Cookie: x=1"),
            new Header("Content-Type", "text/html"));
    assertThat(ProxyHeaders.toClient(fromApp, STRIP, pub))
        .containsExactly(
            new Header("Location", "/s/a/login?next=%2F"),
            new Header("Set-Cookie", "_xsrf=1; Path=/s/a/; SameSite=Lax"),
            new Header("Set-Cookie", "plain=2"),
            new Header("Content-Type", "text/html"));
    assertThat(ProxyHeaders.location("https://berth.example/s/a/x", KEEP, pub))
        .isEqualTo("https://berth.example/s/a/x");
    assertThat(ProxyHeaders.location("https://berth.example/x", STRIP, pub))
        .isEqualTo("https://berth.example/s/a/x");
    assertThat(ProxyHeaders.location("http://127.0.0.1:5000", STRIP, pub)).isEqualTo("/s/a/");
    assertThat(ProxyHeaders.location("http://127.0.0.1:50001/x", STRIP, pub))
        .isEqualTo("http://127.0.0.1:50001/x");
    assertThat(ProxyHeaders.setCookie("c=1; path=/s/a", KEEP)).hasValue("c=1; Path=/s/a");
    assertThat(ProxyHeaders.setCookie("c=1; Path=relative", KEEP)).hasValue("c=1; Path=/s/a/");
  }

  @Test
  void forwardingHeadersAreBelievedFromATrustedProxyOnly() {
    var trusted = dev.berth.config.TrustedProxies.parse("10.0.0.1");
    java.util.Map<String, String> sent =
        java.util.Map.of(
            "X-Forwarded-Proto", "https, http",
            "X-Forwarded-Host", "berth.example.org, inner:8080",
            "X-Forwarded-For", "203.0.113.7");
    assertThat(BrowserAddress.of(trusted, "10.0.0.1", "http", "127.0.0.1:7780", 7780, sent::get))
        .isEqualTo(new BrowserAddress("https", "berth.example.org", 443, "203.0.113.7, 10.0.0.1"));
    assertThat(BrowserAddress.of(trusted, "10.0.0.2", "http", "127.0.0.1:7780", 7780, sent::get))
        .isEqualTo(new BrowserAddress("http", "127.0.0.1:7780", 7780, "10.0.0.2"));
    java.util.Map<String, String> withPort =
        java.util.Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "b.example:8443");
    assertThat(BrowserAddress.of(trusted, "10.0.0.1", "http", "x", 7780, withPort::get))
        .isEqualTo(new BrowserAddress("https", "b.example:8443", 8443, "10.0.0.1"));
    // Nothing forwarded: the request's own, even from a trusted proxy.
    assertThat(BrowserAddress.of(trusted, "10.0.0.1", "http", "x:1", 1, name -> null))
        .isEqualTo(new BrowserAddress("http", "x:1", 1, "10.0.0.1"));
  }

  @Test
  void aPageIsBerthsOwnWhenItsHostAndPortAreWhereTheBrowserReachedBerth() {
    var none = BrowserOrigins.none();
    assertThat(none.ownPage("http://127.0.0.1:7780", "127.0.0.1:7780")).isTrue();
    assertThat(none.ownPage("http://BERTH.test", "berth.test:80")).isTrue();
    assertThat(none.ownPage("https://berth.test", "berth.test")).isTrue();
    assertThat(none.ownPage("http://[::1]:7780", "[::1]:7780")).isTrue();
    assertThat(none.ownPage("http://127.0.0.1:7781", "127.0.0.1:7780")).isFalse();
    assertThat(none.ownPage("https://berth.test", "berth.test:80")).isFalse();
    assertThat(none.ownPage("http://evil.example", "berth.test")).isFalse();
    assertThat(none.ownPage("http://berth.test.evil.example", "berth.test")).isFalse();
    assertThat(none.ownPage("null", "berth.test")).isFalse();
    assertThat(none.ownPage(null, "berth.test")).isFalse();
    assertThat(none.ownPage("not a url", "berth.test")).isFalse();
    assertThat(none.ownPage("http://berth.test", "berth.test:x")).isFalse();
    // The public address is Berth's too, whatever Host the reverse proxy sent on.
    var pub = new BrowserOrigins("https://berth.example.org", "apps.example.org");
    assertThat(pub.ownPage("https://berth.example.org", "127.0.0.1:7780")).isTrue();
    assertThat(pub.ownPage("https://berth.example.org:443", "127.0.0.1:7780")).isTrue();
    assertThat(pub.ownPage("http://127.0.0.1:7780", "127.0.0.1:7780")).isTrue();
    assertThat(pub.ownPage("https://berth.example.org:8443", "127.0.0.1:7780")).isFalse();
    // A session's app on its own host is never Berth's page, even on the host it was reached at.
    assertThat(pub.ownPage("https://demo.apps.example.org", "demo.apps.example.org")).isFalse();
    assertThat(pub.ownPage("https://apps.example.org", "apps.example.org")).isTrue();
  }
}
