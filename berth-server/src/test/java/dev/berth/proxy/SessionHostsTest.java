package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Each session's app on a host of its own, against a real Berth configured as it would be behind a
 * TLS-terminating reverse proxy: {@code publicUrl: https://berth.test:8443}, {@code appsDomain:
 * apps.test}. Requests go to Berth's port with the Host header a browser would send (the JDK client
 * may set it: {@code jdk.httpclient.allowRestrictedHeaders=host} in the module's surefire
 * configuration).
 */
class SessionHostsTest {
  private static final String MAIN = "berth.test:8443";
  private static final String WEB = "web.apps.test:8443";
  private static final String KEEP = "keep.apps.test:8443";

  @TempDir static Path home;
  static ProxyFixture f;
  static String webToken;
  static String keepToken;

  @BeforeAll
  static void start() {
    f =
        new ProxyFixture(
            home,
            Map.of(
                "BERTH_PUBLIC_URL", "https://berth.test:8443/", "BERTH_APPS_DOMAIN", "apps.test"));
    webToken = f.create("web", "testapp");
    keepToken = f.create("keep", "keepapp");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void aSessionPathOnBerthsHostIsSentToTheSessionsHost() {
    for (String host : new String[] {MAIN, f.berth.url().substring(7), "localhost"}) {
      var r = send("GET", host, "/s/web/tree?x=1&token=" + webToken, Map.of());
      assertThat(r.statusCode()).as(host).isEqualTo(303);
      // The login token goes along: the login happens on the session's host, which sets its cookie.
      assertThat(r.headers().firstValue("Location"))
          .hasValue("https://" + WEB + "/s/web/tree?x=1&token=" + webToken);
      assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }
    assertThat(send("HEAD", MAIN, "/s/web", Map.of()).headers().firstValue("Location"))
        .hasValue("https://" + WEB + "/s/web");
    // A redirect would turn a POST into a GET: it is refused with the address to use.
    var post = send("POST", MAIN, "/s/web/headers", Map.of("Accept", "application/json"));
    assertThat(post.statusCode()).isEqualTo(421);
    assertThat(post.body())
        .contains("misdirected")
        .contains("served at https://" + WEB + "/s/web/ only");
    // Berth's own paths stay on its host.
    assertThat(send("GET", MAIN, "/api/v1/health", Map.of()).statusCode()).isEqualTo(200);
    assertThat(send("GET", MAIN, "/", Map.of()).statusCode()).isEqualTo(200);
    assertThat(send("GET", MAIN, "/s/Not_An_Id/", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void aLoginOnTheSessionsHostGivesASecureHostOnlyCookieThatOpensTheApp() {
    var login = send("GET", WEB, "/s/web/?token=" + webToken, Map.of());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/s/web/");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("berth_proxy=")
        .contains("; Path=/s/web/", "; HttpOnly", "; SameSite=Lax", "; Secure")
        .doesNotContainIgnoringCase("domain");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    var page = send("GET", WEB, "/s/web/", Map.of("Cookie", cookie));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Hello from the test app in web");
    // Presented at another session's host (were a browser to send it there), it opens nothing.
    assertThat(send("GET", KEEP, "/s/keep/", Map.of("Cookie", cookie)).statusCode()).isEqualTo(403);
  }

  @Test
  void theAppIsToldItIsReachedOverHttpsAtItsOwnHost() {
    String cookie = login(WEB, "web", webToken);
    JsonNode h =
        f.seen(
                "/s/web/headers",
                Map.of(
                    "Host",
                    WEB,
                    "Cookie",
                    cookie,
                    "Origin",
                    "https://" + WEB,
                    "X-Forwarded-Proto",
                    "http"))
            .get("headers");
    assertThat(h.get("X-Forwarded-Proto").asString()).isEqualTo("https");
    assertThat(h.get("X-Forwarded-Host").asString()).isEqualTo(WEB);
    assertThat(h.get("X-Forwarded-Port").asString()).isEqualTo("8443");
    // The browser's own origin is same-origin to the app (so Jupyter's checks pass): the app sees
    // the browser's Origin and the session host's name as Host.
    assertThat(h.get("Origin").asString()).isEqualTo("https://" + WEB);
    assertThat(h.get("Host").asString()).isEqualTo(WEB);
    // An app's absolute redirect to its public address stays there.
    var r =
        send(
            "GET",
            WEB,
            "/s/web/redirect?to=" + "https://" + WEB + "/s/web/tree",
            Map.of("Cookie", cookie));
    assertThat(r.headers().firstValue("Location")).hasValue("https://" + WEB + "/s/web/tree");
  }

  @Test
  void aSessionsHostServesThatSessionOnlyAndNothingOfBerths() {
    String admin = "Bearer " + f.berth.adminToken;
    Map<String, String> json = Map.of("Authorization", admin, "Accept", "application/json");
    for (String path :
        new String[] {
          "/",
          "/index.html",
          "/ui/dashboard.js",
          "/ui/berth.css",
          "/api/v1/health",
          "/api/v1/sessions",
          "/api/v1/me",
          "/metrics",
          "/mcp",
          "/s/keep/",
          "/s/keep/headers",
          "/s/we/",
          "/sx/web/"
        }) {
      var r = send("GET", WEB, path, json);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(404);
      assertThat(r.body()).as(path).contains("serves session 'web''s app only");
      assertThat(r.body()).as(path).contains("https://berth.test:8443/");
    }
    var post = send("POST", WEB, "/api/v1/login", Map.of("Content-Type", "application/json"));
    assertThat(post.statusCode()).isEqualTo(404);
    var mcp = send("POST", WEB, "/mcp", Map.of("Authorization", admin));
    assertThat(mcp.statusCode()).isEqualTo(404);
    // The session's own app, with the admin's token, is served.
    assertThat(send("GET", WEB, "/s/web/", Map.of("Authorization", admin)).statusCode())
        .isEqualTo(200);
    // A browser gets a page that needs none of Berth's paths (not served on this host).
    var page = send("GET", WEB, "/api/v1/sessions", Map.of("Accept", "text/html"));
    assertThat(page.body())
        .contains("<style>")
        .doesNotContain("/ui/berth.css")
        .contains("href=\"https://berth.test:8443/\"");
  }

  @Test
  void aHostUnderTheAppsDomainThatNamesNoSessionIs404() {
    for (String host :
        new String[] {"Not_An_Id.apps.test:8443", "a.b.apps.test:8443", "-x.apps.test"}) {
      var r = send("GET", host, "/s/web/", Map.of("Accept", "application/json"));
      assertThat(r.statusCode()).as(host).isEqualTo(404);
      assertThat(r.body()).as(host).contains("is not a session's address");
    }
    // A session that does not exist has a well-formed host: no credential, no answer (401).
    assertThat(send("GET", "ghost.apps.test:8443", "/s/ghost/", Map.of()).statusCode())
        .isEqualTo(401);
  }

  @Test
  void theLoginLinkIsOnTheSessionsHostAndTheDashboardCookieIsSecure() {
    var link = f.berth.admin("POST", "/api/v1/sessions/keep/login-link", null);
    assertThat(link.status()).isEqualTo(201);
    String url = link.json().get("url").asString();
    assertThat(url).startsWith("https://" + KEEP + "/s/keep/?token=berth_l_");
    assertThat(link.json().get("path").asString()).startsWith("/s/keep/?token=berth_l_");
    var used = send("GET", KEEP, url.substring(("https://" + KEEP).length()), Map.of());
    assertThat(used.statusCode()).isEqualTo(303);
    assertThat(used.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");

    var login =
        send(
            "POST",
            MAIN,
            "/api/v1/login",
            Map.of("Content-Type", "application/json"),
            "{\"token\":\"" + f.berth.adminToken + "\"}");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    assertThat(login.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith("berth_dashboard=")
        .contains("; Path=/api/", "; HttpOnly", "; SameSite=Strict", "; Secure")
        .doesNotContainIgnoringCase("domain");
  }

  @Test
  void aStoppedSessionsPageOnItsHostPointsToTheDashboard() {
    String token = f.create("idle", "testapp");
    String cookie = login("idle.apps.test:8443", "idle", token);
    assertThat(f.berth.admin("POST", "/api/v1/sessions/idle/stop", null).status()).isEqualTo(200);
    String adminCookie = login("idle.apps.test:8443", "idle", f.berth.adminToken);
    var admin = send("GET", "idle.apps.test:8443", "/s/idle/", headers(adminCookie, "text/html"));
    assertThat(admin.statusCode()).isEqualTo(503);
    assertThat(admin.body())
        .contains("id=\"start-in-dashboard\"")
        .contains("href=\"https://berth.test:8443/\"")
        .doesNotContain("/ui/");
    var user = send("GET", "idle.apps.test:8443", "/s/idle/", headers(cookie, "text/html"));
    assertThat(user.statusCode()).isEqualTo(503);
    assertThat(user.body()).doesNotContain("start-in-dashboard");
  }

  /** Without a public address, the session's host takes the scheme and port the browser used. */
  @Test
  void withoutAPublicAddressTheSessionsHostKeepsTheRequestsSchemeAndPort(@TempDir Path other) {
    try (var g = new ProxyFixture(other, Map.of("BERTH_APPS_DOMAIN", "localhost"))) {
      String token = g.create("plain", "testapp");
      int port = g.berth.server.port();
      var r = g.get("/s/plain/?token=" + token, Map.of("Host", "localhost:" + port));
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(r.headers().firstValue("Location"))
          .hasValue("http://plain.localhost:" + port + "/s/plain/?token=" + token);
      var login = g.get("/s/plain/?token=" + token, Map.of("Host", "plain.localhost:" + port));
      String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).doesNotContain("Secure").doesNotContainIgnoringCase("domain");
      JsonNode h =
          g.seen(
                  "/s/plain/headers",
                  Map.of(
                      "Host",
                      "plain.localhost:" + port,
                      "Cookie",
                      setCookie.substring(0, setCookie.indexOf(';'))))
              .get("headers");
      assertThat(h.get("X-Forwarded-Proto").asString()).isEqualTo("http");
      assertThat(h.get("X-Forwarded-Host").asString()).isEqualTo("plain.localhost:" + port);
      var link = g.berth.call("POST", "/api/v1/sessions/plain/login-link", token, null);
      // The API was called at 127.0.0.1: the session's host keeps that port.
      assertThat(link.json().get("url").asString())
          .startsWith("http://plain.localhost:" + port + "/s/plain/?token=berth_l_");
    }
  }

  private static Map<String, String> headers(String cookie, String accept) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Cookie", cookie);
    h.put("Accept", accept);
    return h;
  }

  private static String login(String host, String id, String token) {
    var r = send("GET", host, "/s/" + id + "/?token=" + token, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static HttpResponse<String> send(
      String method, String host, String path, Map<String, String> headers) {
    return send(method, host, path, headers, null);
  }

  private static HttpResponse<String> send(
      String method, String host, String path, Map<String, String> headers, String body) {
    var b =
        HttpRequest.newBuilder(URI.create(f.berth.url() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Host", host);
    headers.forEach(b::header);
    try {
      return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
