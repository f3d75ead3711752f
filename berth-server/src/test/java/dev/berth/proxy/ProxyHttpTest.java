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

/** HTTP through the proxy: prefixes, headers, redirects, cookies, other ports. */
class ProxyHttpTest {
  @TempDir static Path home;
  static ProxyFixture f;
  static String cookie;
  static String keepCookie;

  @BeforeAll
  static void start() {
    f = new ProxyFixture(home);
    cookie = f.login("web", f.create("web", "testapp"));
    keepCookie = f.login("keep", f.create("keep", "keepapp"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void theAppsPageOpensThroughTheProxyWithTheCookie() {
    HttpResponse<String> page = f.get("/s/web/", Map.of("Cookie", cookie));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Hello from the test app in web");
    assertThat(page.headers().allValues("Date"))
        .as("Berth's Date only, not the app's too")
        .hasSize(1);
  }

  @Test
  void thePrefixIsStrippedAndTheAppIsToldWhereItLives() {
    JsonNode seen = f.seen("/s/web/headers?a=1&b=%2F", Map.of("Cookie", cookie));
    assertThat(seen.get("path").asString()).isEqualTo("/headers");
    assertThat(seen.get("query").asString()).isEqualTo("a=1&b=%2F");
    JsonNode h = seen.get("headers");
    assertThat(h.get("X-Forwarded-Prefix").asString()).isEqualTo("/s/web");
    assertThat(h.get("X-Forwarded-Proto").asString()).isEqualTo("http");
    assertThat(h.get("X-Forwarded-For").asString()).isEqualTo("127.0.0.1");
    assertThat(h.get("X-Forwarded-Host").asString()).isEqualTo(f.berth.url().substring(7));
    assertThat(seen.at("/env/BERTH_BASE_PATH").asString()).isEqualTo("/s/web/");
    assertThat(seen.at("/env/BERTH_BASE_PATH_9090").asString()).isEqualTo("/s/web/port/9090/");
  }

  @Test
  void aKeepPrefixAppGetsTheWholePathItsBasePathAndItsHeader() {
    JsonNode seen = f.seen("/s/keep/headers", Map.of("Cookie", keepCookie));
    assertThat(seen.get("path").asString()).isEqualTo("/s/keep/headers");
    assertThat(seen.at("/env/APP_PREFIX").asString()).isEqualTo("/s/keep/");
    assertThat(seen.get("args").get(0).asString()).isEqualTo("/s/keep/");
    assertThat(seen.at("/headers/X-App-Root").asString()).isEqualTo("/s/keep");
    assertThat(seen.at("/headers/X-Forwarded-Prefix").isMissingNode()).isTrue();
  }

  @Test
  void redirectsStayUnderThePrefix() {
    String app = "/s/web/redirect?to=";
    Map<String, String> c = Map.of("Cookie", cookie);
    assertThat(location(app + "/login", c)).isEqualTo("/s/web/login");
    assertThat(location(app + "relative/x", c)).isEqualTo("relative/x");
    assertThat(location(app + "https://example.org/a", c)).isEqualTo("https://example.org/a");
    assertThat(location(app + "//example.org/a", c)).isEqualTo("//example.org/a");
    assertThat(location(app + "/s/web/already", c)).isEqualTo("/s/web/already");
    String self = f.berth.url();
    assertThat(location(app + self + "/home", c)).isEqualTo(self + "/s/web/home");
    // The app's own address (it may build absolute URLs from the Host it sees) becomes a path.
    String appOrigin =
        f.berth.admin("GET", "/api/v1/sessions/web", null).json().at("/endpoints/8080").asString();
    assertThat(location(app + appOrigin + "tree?x=1", c)).isEqualTo("/s/web/tree?x=1");
    assertThat(location("/s/keep/redirect?to=/s/keep/tree", Map.of("Cookie", keepCookie)))
        .isEqualTo("/s/keep/tree");
    assertThat(location("/s/keep/redirect?to=/elsewhere", Map.of("Cookie", keepCookie)))
        .isEqualTo("/s/keep/elsewhere");
  }

  private static String location(String path, Map<String, String> headers) {
    HttpResponse<String> r = f.get(path, headers);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return r.headers().firstValue("Location").orElseThrow();
  }

  @Test
  void theAppsCookiesStayUnderThePrefixAndCannotReplaceBerths() {
    HttpResponse<String> r = f.get("/s/web/cookie", Map.of("Cookie", cookie));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().allValues("Set-Cookie"))
        .containsExactly("app=1; Path=/s/web/; HttpOnly", "deep=2; Path=/s/web/sub");
  }

  @Test
  void otherDeclaredPortsHaveTheirOwnPrefix() {
    HttpResponse<String> r = f.get("/s/web/port/9090/x/y?z=1", Map.of("Cookie", cookie));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("second port saw /x/y");
    HttpResponse<String> slash = f.get("/s/web/port/9090?z=1", Map.of("Cookie", cookie));
    assertThat(slash.statusCode()).isEqualTo(308);
    assertThat(slash.headers().firstValue("Location")).hasValue("/s/web/port/9090/?z=1");
    // An undeclared port on a session reached through this machine's ports: refused, saying why
    // (port 1234 of 127.0.0.1 may be the host's or another session's).
    HttpResponse<String> undeclared = f.get("/s/web/port/1234/x", Map.of("Cookie", cookie));
    assertThat(undeclared.statusCode()).isEqualTo(404);
    assertThat(undeclared.body()).contains("not declared").doesNotContain("/port/1234/x");
    HttpResponse<String> root = f.get("/s/web?x=1", Map.of());
    assertThat(root.statusCode()).isEqualTo(308);
    assertThat(root.headers().firstValue("Location")).hasValue("/s/web/?x=1");
  }

  @Test
  void berthsCredentialsNeverReachTheApp() {
    String token = f.berth.adminToken;
    // A GET logs in and redirects without Berth's token; the app's own token parameter stays.
    HttpResponse<String> login =
        f.get("/s/web/headers?token=" + token + "&token=apps-own&x=1", Map.of());
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location"))
        .hasValue("/s/web/headers?token=apps-own&x=1");
    // Any other request carrying Berth's token: authenticated by it, and the app never sees it.
    HttpResponse<String> post =
        f.send(
            "POST",
            "/s/web/headers?token=" + token + "&token=apps-own&x=1",
            Map.of(
                "Cookie", "theme=dark; " + cookie + "; lang=en",
                "Authorization", "Bearer " + token),
            java.net.http.HttpRequest.BodyPublishers.noBody());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
    JsonNode seen = ProxyFixture.JSON.readTree(post.body());
    JsonNode h = seen.get("headers");
    assertThat(h.get("Cookie").asString()).isEqualTo("theme=dark; lang=en");
    assertThat(h.get("Authorization")).isNull();
    assertThat(seen.get("query").asString()).isEqualTo("token=apps-own&x=1");
    // The app's own Authorization scheme passes.
    JsonNode own =
        f.seen("/s/web/headers", Map.of("Cookie", cookie, "Authorization", "token jupyter-1"));
    assertThat(own.at("/headers/Authorization").asString()).isEqualTo("token jupyter-1");
  }

  @Test
  void forwardingHeadersFromTheClientAreReplacedNotPassedOn() {
    JsonNode h =
        f.seen(
                "/s/keep/headers",
                Map.of(
                    "Cookie", keepCookie,
                    "X-Forwarded-For", "6.6.6.6",
                    "X-Forwarded-Host", "evil.example",
                    "X-Forwarded-Proto", "https",
                    "X-Forwarded-Prefix", "/evil",
                    "Forwarded", "for=6.6.6.6;host=evil.example",
                    "X-Real-IP", "6.6.6.6",
                    "X-App-Root", "/evil"))
            .get("headers");
    assertThat(h.get("X-Forwarded-For").asString()).isEqualTo("127.0.0.1");
    assertThat(h.get("X-Forwarded-Host").asString()).isEqualTo(f.berth.url().substring(7));
    assertThat(h.get("X-Forwarded-Proto").asString()).isEqualTo("http");
    assertThat(h.get("X-App-Root").asString()).isEqualTo("/s/keep");
    assertThat(h.get("Forwarded")).isNull();
    assertThat(h.get("X-Real-IP")).isNull();
    assertThat(h.get("X-Forwarded-Prefix")).isNull();
  }

  @Test
  void aSameOriginRequestLooksSameOriginToTheApp() {
    String self = f.berth.url();
    JsonNode h =
        f.seen(
                "/s/web/headers",
                Map.of("Cookie", cookie, "Origin", self, "Referer", self + "/s/web/tree?x"))
            .get("headers");
    // The app sees the browser's Host, Origin and Referer (the prefix off, for a strip app).
    assertThat(h.get("Host").asString()).isEqualTo(self.substring(7));
    assertThat(h.get("Origin").asString()).isEqualTo(self);
    assertThat(h.get("Referer").asString()).isEqualTo(self + "/tree?x");
    JsonNode keep =
        f.seen(
                "/s/keep/headers",
                Map.of("Cookie", keepCookie, "Origin", self, "Referer", self + "/s/keep/tree"))
            .get("headers");
    assertThat(keep.get("Host").asString()).isEqualTo(self.substring(7));
    assertThat(keep.get("Referer").asString()).isEqualTo(self + "/s/keep/tree");
    JsonNode other =
        f.seen("/s/web/headers", Map.of("Cookie", cookie, "Origin", "https://evil.example"))
            .get("headers");
    assertThat(other.get("Origin").asString()).isEqualTo("https://evil.example");
  }

  @Test
  void theAppSeesTheBrowsersHostWhateverPortItGotAtItsLastStart() {
    String cookie = f.login("hosted", f.create("hosted", "testapp"));
    String berthHost = f.berth.url().substring(7);
    String before = endpoint("hosted");
    assertThat(f.seen("/s/hosted/headers", Map.of("Cookie", cookie)).at("/headers/Host").asString())
        .isEqualTo(berthHost);
    for (String action : new String[] {"stop", "start"}) {
      var r = f.berth.admin("POST", "/api/v1/sessions/hosted/" + action, null);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    // The app listens elsewhere now; the Host it sees (which Jupyter names its login cookie after)
    // is still the browser's.
    assertThat(endpoint("hosted")).isNotEqualTo(before);
    assertThat(f.seen("/s/hosted/headers", Map.of("Cookie", cookie)).at("/headers/Host").asString())
        .isEqualTo(berthHost);
  }

  private static String endpoint(String id) {
    return f.berth
        .admin("GET", "/api/v1/sessions/" + id, null)
        .json()
        .at("/endpoints/8080")
        .asString();
  }

  @Test
  void requestBodiesPassThrough() {
    HttpResponse<String> r =
        f.send(
            "POST",
            "/s/web/echo",
            Map.of("Cookie", cookie, "Content-Type", "text/plain"),
            java.net.http.HttpRequest.BodyPublishers.ofString("hello body"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello body");
  }

  @Test
  void proxyTrafficIsSessionActivity() {
    var before = f.berth.admin("GET", "/api/v1/sessions/web", null).json();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              f.get("/s/web/headers", Map.of("Cookie", cookie));
              var now = f.berth.admin("GET", "/api/v1/sessions/web", null).json();
              assertThat(now.get("lastActivityAt").asString())
                  .isGreaterThan(before.get("lastActivityAt").asString());
            });
  }
}
