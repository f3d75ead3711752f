package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Berth behind a TLS-terminating reverse proxy without {@code publicUrl}: with {@code
 * trustedProxies: 127.0.0.1} (the test's requests come from there, as a proxy's would), the proxy's
 * {@code X-Forwarded-Proto/Host/For} say how the browser reached Berth, and the app sees a request
 * that is same-origin to the browser's {@code https://} page.
 */
class TrustedProxyTest {
  private static final String PUBLIC = "berth.example.org";

  @TempDir static Path home;
  static ProxyFixture f;
  static String token;

  @BeforeAll
  static void start() {
    f = new ProxyFixture(home, Map.of("BERTH_TRUSTED_PROXIES", "10.9.9.9, 127.0.0.0/8, ::1"));
    token = f.create("web", "testapp");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** What nginx sends with the snippet in docs/proxy.md (Host left as the upstream's address). */
  private static Map<String, String> forwarded(Map<String, String> more) {
    var h =
        new java.util.HashMap<>(
            Map.of(
                "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", PUBLIC,
                "X-Forwarded-For", "203.0.113.7"));
    h.putAll(more);
    return h;
  }

  @Test
  void theAppSeesWhatTheBrowserSentToTheReverseProxy() {
    String cookie = login();
    JsonNode h =
        f.seen("/s/web/headers", forwarded(Map.of("Cookie", cookie, "Origin", "https://" + PUBLIC)))
            .get("headers");
    assertThat(h.get("Host").asString()).isEqualTo(PUBLIC);
    assertThat(h.get("Origin").asString()).isEqualTo("https://" + PUBLIC);
    assertThat(h.get("X-Forwarded-Proto").asString()).isEqualTo("https");
    assertThat(h.get("X-Forwarded-Host").asString()).isEqualTo(PUBLIC);
    assertThat(h.get("X-Forwarded-Port").asString()).isEqualTo("443");
    assertThat(h.get("X-Forwarded-For").asString()).isEqualTo("203.0.113.7, 127.0.0.1");
    // The app's absolute redirects, built from what it was told, stay on the public address.
    HttpResponse<String> r =
        f.get(
            "/s/web/redirect?to=http://" + PUBLIC + "/s/web/tree",
            forwarded(Map.of("Cookie", cookie)));
    assertThat(r.headers().firstValue("Location")).hasValue("https://" + PUBLIC + "/s/web/tree");
  }

  @Test
  void berthsCookiesAreSecureAndItsLinksHttpsWhenTheProxySaysHttps() {
    HttpResponse<String> r = f.get("/s/web/?token=" + token, forwarded(Map.of()));
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
    var link =
        f.send(
            "POST",
            "/api/v1/sessions/web/login-link",
            forwarded(Map.of("Authorization", "Bearer " + token)),
            java.net.http.HttpRequest.BodyPublishers.noBody());
    assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
    assertThat(ProxyFixture.JSON.readTree(link.body()).get("url").asString())
        .startsWith("https://" + PUBLIC + "/s/web/?token=berth_l_");
  }

  @Test
  void malformedForwardedValuesAreNotBelieved() {
    String cookie = login();
    JsonNode h =
        f.seen(
                "/s/web/headers",
                Map.of(
                    "Cookie", cookie,
                    "X-Forwarded-Proto", "gopher",
                    "X-Forwarded-Host", "evil.example/path@x",
                    "X-Forwarded-For", "<script>"))
            .get("headers");
    assertThat(h.get("X-Forwarded-Proto").asString()).isEqualTo("http");
    assertThat(h.get("Host").asString()).isEqualTo(f.berth.url().substring(7));
    assertThat(h.get("X-Forwarded-For").asString()).isEqualTo("127.0.0.1");
  }

  /**
   * With an apps domain too (what docs/deployment.md recommends), the way to a session's own host
   * keeps the browser's https and port: not the plain http the proxy used toward Berth.
   */
  @Test
  void sessionHostsAreReachedOverTheSchemeTheBrowserUsed(@TempDir Path appsHome) {
    try (var apps =
        new ProxyFixture(
            appsHome,
            Map.of("BERTH_TRUSTED_PROXIES", "127.0.0.1, ::1", "BERTH_APPS_DOMAIN", "apps.test"))) {
      HttpResponse<String> r = apps.get("/s/web/tree?x=1", forwarded(Map.of()));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
      assertThat(r.headers().firstValue("Location"))
          .hasValue("https://web.apps.test/s/web/tree?x=1");
      // The browser's port, when it used one, stays in the address.
      r = apps.get("/s/web/", forwarded(Map.of("X-Forwarded-Host", PUBLIC + ":8443")));
      assertThat(r.headers().firstValue("Location")).hasValue("https://web.apps.test:8443/s/web/");
      // A write cannot be redirected: the 421 names the address to use, https too.
      var post =
          apps.send(
              "POST",
              "/s/web/api",
              forwarded(Map.of("Accept", "application/json")),
              java.net.http.HttpRequest.BodyPublishers.noBody());
      assertThat(post.statusCode()).as(post.body()).isEqualTo(421);
      assertThat(post.body()).contains("https://web.apps.test/s/web/").doesNotContain("http://");
    }
  }

  /**
   * A dashboard login opens a process's WebSocket from the page the browser has at the reverse
   * proxy's address, which only X-Forwarded-Host names (the proxy leaves Host as Berth's own).
   */
  @Test
  void aDashboardSocketIsOpenedFromThePublicPageTheProxySaysTheBrowserHas() throws Exception {
    var started =
        f.berth.admin(
            "POST",
            "/api/v1/sessions/web/processes",
            "{\"command\": [\"cat\"], \"openStdin\": true}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String pid = started.json().get("id").asString();
    var login =
        f.send(
            "POST",
            "/api/v1/login",
            Map.of("Content-Type", "application/json"),
            java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"token\":\"" + f.berth.adminToken + "\"}"));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String page = "https://" + PUBLIC;
    assertThat(upgrade(pid, forwarded(Map.of("Cookie", cookie, "Origin", page)))).isEqualTo(101);
    // Without the proxy's word the same page is another site's.
    assertThat(upgrade(pid, Map.of("Cookie", cookie, "Origin", page))).isEqualTo(401);
    // And Berth's own address is not where this browser is, by the proxy's word.
    assertThat(upgrade(pid, forwarded(Map.of("Cookie", cookie, "Origin", f.berth.url()))))
        .isEqualTo(401);
    f.berth.admin("POST", "/api/v1/sessions/web/processes/" + pid + "/kill", null);
  }

  /** The status of a WebSocket upgrade to the process's attach: 101 when it opened. */
  private static int upgrade(String pid, Map<String, String> headers) throws Exception {
    var b = f.http.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(10));
    headers.forEach(b::header);
    var uri =
        java.net.URI.create(
            "ws"
                + f.berth.url().substring(4)
                + "/api/v1/sessions/web/processes/"
                + pid
                + "/attach");
    try {
      b.buildAsync(uri, new java.net.http.WebSocket.Listener() {})
          .get(20, java.util.concurrent.TimeUnit.SECONDS)
          .abort();
      return 101;
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
      return ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  private static String login() {
    return f.login("web", token);
  }
}
