package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.RawHttpConnection;
import dev.berth.server.RawHttpConnection.Answer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may open a session through the proxy, and what the proxy answers when it will not or cannot:
 * 401 and 403 pages without redirect loops, login links that work once, a cookie of one session
 * that never opens another, the admin who opens any, and the pages for sessions that are not
 * running.
 */
class ProxyAuthTest {
  private static final Map<String, String> HTML = Map.of("Accept", "text/html");

  @TempDir static Path home;
  static ProxyFixture f;
  static String tokenA;
  static String tokenB;

  @BeforeAll
  static void start() {
    f = new ProxyFixture(home);
    tokenA = f.create("a", "testapp");
    tokenB = f.create("b", "testapp");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Map<String, String> with(String cookie) {
    return Map.of("Cookie", cookie, "Accept", "text/html");
  }

  @Test
  void withoutALoginThereIsA401PageAndNoRedirect() {
    HttpResponse<String> html = f.get("/s/a/", HTML);
    assertThat(html.statusCode()).isEqualTo(401);
    assertThat(html.headers().firstValue("Location")).isEmpty();
    assertThat(html.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(html.body()).contains("Log in to open this session", "dashboard");
    HttpResponse<String> json = f.get("/s/a/anything", Map.of());
    assertThat(json.statusCode()).isEqualTo(401);
    assertThat(json.body()).startsWith("{\"error\":{\"code\":\"unauthorized\"");
    // A session that does not exist looks the same to someone not logged in.
    assertThat(f.get("/s/nosuch/", HTML).statusCode()).isEqualTo(401);
  }

  @Test
  void aRefusedPostStillGetsItsAnswerWhileItsBodyIsComing() throws Exception {
    // The proxy refuses before reading the body; left unread, the body made Jetty reset the
    // connection, which could destroy the 401 in flight (see UnreadRequestBody).
    try (var http = new RawHttpConnection(f.berth.url())) {
      http.head("POST", "/s/a/upload", "Content-Length: 60000");
      http.sendWithAPause(new byte[60000]);
      assertThat(http.read().status()).isEqualTo(401);

      http.head("GET", "/s/a/");
      Answer next = http.read();
      assertThat(next.status()).as("the same connection serves the next request").isEqualTo(401);
      assertThat(next.body()).contains("unauthorized");
    }
  }

  @Test
  void aTokenLoginSetsAScopedHttpOnlyCookieAndDropsTheTokenFromTheAddress() {
    HttpResponse<String> r = f.get("/s/a/headers?x=1&token=" + tokenA, Map.of());
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/s/a/headers?x=1");
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("berth_proxy=berth_p_")
        .contains("; Path=/s/a/; Max-Age=86400; HttpOnly; SameSite=Lax")
        .doesNotContain(tokenA);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(f.get("/s/a/", with(cookie)).statusCode()).isEqualTo(200);
  }

  @Test
  void followingTheLoginEndsOnThePageWithCookiesAnd401WithoutNeverALoop() throws Exception {
    HttpClient withJar =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .cookieHandler(new CookieManager())
            .build();
    HttpClient withoutJar =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    var login = HttpRequest.newBuilder(URI.create(f.berth.url() + "/s/a/?token=" + tokenA)).build();
    HttpResponse<String> ok = withJar.send(login, HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.uri().toString()).isEqualTo(f.berth.url() + "/s/a/");
    HttpResponse<String> refused = withoutJar.send(login, HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.previousResponse()).isPresent();
    assertThat(refused.previousResponse().get().previousResponse()).isEmpty(); // one hop
    var bad = HttpRequest.newBuilder(URI.create(f.berth.url() + "/s/a/?token=berth_s_bad")).build();
    HttpResponse<String> badToken = withoutJar.send(bad, HttpResponse.BodyHandlers.ofString());
    assertThat(badToken.statusCode()).isEqualTo(401);
    assertThat(badToken.previousResponse()).isEmpty();
  }

  @Test
  void aCookieOrTokenOfSessionBNeverOpensSessionA() {
    String cookieB = f.login("b", tokenB);
    HttpResponse<String> byCookie = f.get("/s/a/", with(cookieB));
    assertThat(byCookie.statusCode()).isEqualTo(403);
    assertThat(byCookie.body()).contains("another session");
    assertThat(f.get("/s/a/?token=" + tokenB, HTML).statusCode()).isEqualTo(403);
    assertThat(f.get("/s/a/", Map.of("Authorization", "Bearer " + tokenB)).statusCode())
        .isEqualTo(403);
    // 403 whether or not the other session exists: nothing to learn about it.
    assertThat(f.get("/s/nosuch/", with(cookieB)).statusCode()).isEqualTo(403);
    assertThat(f.get("/s/b/", with(cookieB)).statusCode()).isEqualTo(200);
  }

  @Test
  void theAdminOpensAnySession() {
    assertThat(f.get("/s/a/", Map.of("Authorization", "Bearer " + f.berth.adminToken)).statusCode())
        .isEqualTo(200);
    String adminCookieB = f.login("b", f.berth.adminToken);
    assertThat(f.get("/s/b/", with(adminCookieB)).statusCode()).isEqualTo(200);
    // The cookie it gets opens that session only, not every session.
    assertThat(f.get("/s/a/", with(adminCookieB)).statusCode()).isEqualTo(403);
    HttpResponse<String> unknown =
        f.get("/s/nosuch/", Map.of("Authorization", "Bearer " + f.berth.adminToken));
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void aLoginLinkWorksOnceAndOnlyForItsSession() {
    var link = f.berth.admin("POST", "/api/v1/sessions/a/login-link", null);
    assertThat(link.status()).as(link.toString()).isEqualTo(201);
    String path = link.json().get("path").asString();
    assertThat(path).startsWith("/s/a/?token=berth_l_");
    assertThat(link.json().get("url").asString()).isEqualTo(f.berth.url() + path);
    HttpResponse<String> first = f.get(path, HTML);
    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(first.headers().firstValue("Location")).hasValue("/s/a/");
    String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> again = f.get(path, HTML);
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.body()).contains("already used or has expired");
    // Reloading a used link in the browser that used it just goes on to the app.
    HttpResponse<String> reload = f.get(path, with(cookie));
    assertThat(reload.statusCode()).isEqualTo(303);
    assertThat(reload.headers().firstValue("Set-Cookie")).isEmpty();
    // A session's token gets links for its own session only; nobody gets one for nothing.
    assertThat(f.berth.call("POST", "/api/v1/sessions/a/login-link", tokenA, null).status())
        .isEqualTo(201);
    assertThat(f.berth.call("POST", "/api/v1/sessions/b/login-link", tokenA, null).status())
        .isEqualTo(404);
    assertThat(f.berth.admin("POST", "/api/v1/sessions/nosuch/login-link", null).status())
        .isEqualTo(404);
    String linkToA =
        f.berth.admin("POST", "/api/v1/sessions/a/login-link", null).json().get("path").asString();
    assertThat(f.get(linkToA.replace("/s/a/", "/s/b/"), HTML).statusCode()).isEqualTo(403);
  }

  @Test
  void aStoppedSessionSaysSoAndOffersTheAdminAStart() {
    String token = f.create("stoppable", "testapp");
    String userCookie = f.login("stoppable", token);
    String adminCookie = f.login("stoppable", f.berth.adminToken);
    assertThat(f.berth.admin("POST", "/api/v1/sessions/stoppable/stop", null).status())
        .isEqualTo(200);
    HttpResponse<String> user = f.get("/s/stoppable/", with(userCookie));
    assertThat(user.statusCode()).isEqualTo(503);
    assertThat(user.body()).contains("Session stoppable is stopped").doesNotContain("<button");
    HttpResponse<String> admin = f.get("/s/stoppable/", with(adminCookie));
    assertThat(admin.statusCode()).isEqualTo(503);
    assertThat(admin.body()).contains("<button id=\"start\"", "/ui/start-session.js");
    assertThat(f.berth.admin("POST", "/api/v1/sessions/stoppable/start", null).status())
        .isEqualTo(200);
    assertThat(f.get("/s/stoppable/", with(userCookie)).statusCode()).isEqualTo(200);
    // Deleting the session revokes its cookies.
    assertThat(f.berth.admin("DELETE", "/api/v1/sessions/stoppable", null).status()).isEqualTo(200);
    assertThat(f.get("/s/stoppable/", with(userCookie)).statusCode()).isEqualTo(401);
  }

  @Test
  void aStartingSessionShowsAPageThatRefreshes() throws Exception {
    CompletableFuture<String> creating =
        CompletableFuture.supplyAsync(() -> f.create("slow", "slowapp"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> f.berth.admin("GET", "/api/v1/sessions/slow", null),
            r -> r.status() == 200 && r.json().get("status").asString().equals("STARTING"));
    HttpResponse<String> page =
        f.get(
            "/s/slow/",
            Map.of("Authorization", "Bearer " + f.berth.adminToken, "Accept", "text/html"));
    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(page.body()).contains("is starting", "<meta http-equiv=\"refresh\" content=\"2\">");
    creating.get(90, TimeUnit.SECONDS);
    assertThat(
            f.get("/s/slow/", Map.of("Authorization", "Bearer " + f.berth.adminToken)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void failedSessionsAppsThatDoNotAnswerAndSessionsWithoutAppsGetTheirOwnPages() {
    var failed =
        f.berth.admin("POST", "/api/v1/sessions", "{\"id\":\"broken\",\"template\":\"failapp\"}");
    assertThat(failed.json().at("/session/status").asString()).isEqualTo("FAILED");
    Map<String, String> admin =
        Map.of("Authorization", "Bearer " + f.berth.adminToken, "Accept", "text/html");
    HttpResponse<String> page = f.get("/s/broken/", admin);
    assertThat(page.statusCode()).isEqualTo(502);
    assertThat(page.body()).contains("has failed");

    f.berth.admin("POST", "/api/v1/sessions", "{\"id\":\"noapp\"}");
    HttpResponse<String> noApp = f.get("/s/noapp/", admin);
    assertThat(noApp.statusCode()).isEqualTo(404);
    assertThat(noApp.body()).contains("has no app");

    // Not by killing the app: the reconciler may see it ended (and mark the session FAILED)
    // before the proxy's answer, and the page would rightly say so instead.
    f.create("gone", "quietport");
    HttpResponse<String> dead = f.get("/s/gone/port/7070/", admin);
    assertThat(dead.statusCode()).isEqualTo(502);
    assertThat(dead.body()).contains("The app did not answer");
  }

  @Test
  void headerInjectionAttemptsReachNeitherTheAppNorTheBrowser() throws Exception {
    String cookie = f.login("a", tokenA);
    // An encoded line break stays encoded: data, not a header, for the app.
    var seen = f.seen("/s/a/headers?x=%0d%0aX-Injected:%201", Map.of("Cookie", cookie));
    assertThat(seen.get("query").asString()).isEqualTo("x=%0d%0aX-Injected:%201");
    assertThat(seen.at("/headers/X-Injected").isMissingNode()).isTrue();
    // ... and in the address the login redirects to.
    HttpResponse<String> login =
        f.get("/s/a/?token=" + tokenA + "&next=%0d%0aSet-Cookie:%20evil=1", Map.of());
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location"))
        .hasValue("/s/a/?next=%0d%0aSet-Cookie:%20evil=1");
    assertThat(login.headers().allValues("Set-Cookie")).noneMatch(v -> v.startsWith("evil"));
    // A raw line break inside a header never gets past the HTTP parser.
    String raw =
        "GET /s/a/headers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + cookie.replace("berth_proxy", "Cookie: berth_proxy")
            + "\r\nX-Test: a\rX-Injected: 1\r\nConnection: close\r\n\r\n";
    assertThat(rawStatusLine(raw)).startsWith("HTTP/1.1 400");
  }

  private static String rawStatusLine(String request) throws Exception {
    URI uri = URI.create(f.berth.url());
    try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      var line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      return line.toString();
    }
  }
}
