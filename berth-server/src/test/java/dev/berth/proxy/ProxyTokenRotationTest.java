package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a session's token is rotated, the browser side: the old token no longer logs in, and the
 * browser logins made with it (proxy cookies, unused login links, dashboard logins) stop working
 * with it; the admin's own cookie for the session stays.
 */
class ProxyTokenRotationTest {
  private static final Map<String, String> HTML = Map.of("Accept", "text/html");

  @TempDir Path home;
  private ProxyFixture f;

  @BeforeEach
  void start() {
    f = new ProxyFixture(home);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static Map<String, String> with(String cookie) {
    return Map.of("Cookie", cookie, "Accept", "text/html");
  }

  @Test
  void theOldTokenAndTheBrowserLoginsMadeWithItStopWorking() {
    String old = f.create("rot", "testapp");
    String userCookie = f.login("rot", old);
    String adminCookie = f.login("rot", f.berth.adminToken);
    var link = f.berth.call("POST", "/api/v1/sessions/rot/login-link", old, null);
    assertThat(link.status()).as(link.toString()).isEqualTo(201);
    String unusedLink = link.json().get("path").asString();
    assertThat(f.get("/s/rot/", with(userCookie)).statusCode()).isEqualTo(200);
    String dashboardCookie = dashboardCookie(old);
    assertThat(me(dashboardCookie)).isEqualTo(200);

    var rotated = f.berth.admin("POST", "/api/v1/sessions/rot/token", null);
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    String fresh = rotated.json().get("token").asString();

    HttpResponse<String> byOldToken = f.get("/s/rot/?token=" + old, HTML);
    assertThat(byOldToken.statusCode()).isEqualTo(401);
    assertThat(byOldToken.body()).contains("not valid");
    assertThat(f.get("/s/rot/", Map.of("Authorization", "Bearer " + old)).statusCode())
        .isEqualTo(401);
    assertThat(f.get("/s/rot/", with(userCookie)).statusCode())
        .as("a proxy cookie got with the old token")
        .isEqualTo(401);
    assertThat(f.get(unusedLink, HTML).statusCode())
        .as("a login link the old token asked for")
        .isEqualTo(401);
    assertThat(me(dashboardCookie)).as("a dashboard login made with the old token").isEqualTo(401);
    assertThat(f.get("/s/rot/", with(adminCookie)).statusCode())
        .as("the admin's cookie did not come from the session's token")
        .isEqualTo(200);

    String freshCookie = f.login("rot", fresh);
    assertThat(f.get("/s/rot/", with(freshCookie)).statusCode()).isEqualTo(200);
  }

  /** A dashboard login made with {@code token}: the cookie "berth_dashboard=...". */
  private String dashboardCookie(String token) {
    HttpResponse<String> r =
        f.send(
            "POST",
            "/api/v1/login",
            Map.of("Content-Type", "application/json"),
            java.net.http.HttpRequest.BodyPublishers.ofString("{\"token\": \"" + token + "\"}"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private int me(String dashboardCookie) {
    return f.get("/api/v1/me", Map.of("Cookie", dashboardCookie, "X-Requested-By", "test"))
        .statusCode();
  }
}
