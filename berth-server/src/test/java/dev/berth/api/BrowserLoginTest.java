package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.registry.BrowserCredentialStore;
import dev.berth.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's login: a cookie instead of a token, usable only with the dashboard's header. */
class BrowserLoginTest {
  @TempDir Path home;
  private TestServer berth;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    berth = new TestServer(home);
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  private HttpResponse<String> call(String method, String path, String body, Map<String, String> h)
      throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(berth.url() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    h.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String login(String token) throws Exception {
    HttpResponse<String> r =
        call("POST", "/api/v1/login", "{\"token\":\"" + token + "\"}", Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("berth_dashboard=berth_d_")
        .contains("; Path=/api/; Max-Age=43200; HttpOnly; SameSite=Strict")
        .doesNotContain(token);
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void theAdminLogsInUsesTheCookieWithTheHeaderAndLogsOut() throws Exception {
    String cookie = login(berth.adminToken);
    var dashboard = Map.of("Cookie", cookie, "X-Requested-By", "berth-dashboard");
    HttpResponse<String> me = call("GET", "/api/v1/me", null, dashboard);
    assertThat(me.body()).isEqualTo("{\"role\":\"admin\",\"session\":null}");
    HttpResponse<String> created = call("POST", "/api/v1/sessions", "{\"id\":\"d1\"}", dashboard);
    assertThat(created.statusCode()).isEqualTo(201);
    // Without the header, another site's form could ride the cookie: refused.
    HttpResponse<String> forged =
        call("POST", "/api/v1/sessions/d1/stop", null, Map.of("Cookie", cookie));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("X-Requested-By");
    HttpResponse<String> out = call("POST", "/api/v1/logout", null, Map.of("Cookie", cookie));
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    HttpResponse<String> after = call("GET", "/api/v1/me", null, dashboard);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.body()).contains("log in again");
  }

  @Test
  void aSessionTokenLoginSeesOnlyItsSession() throws Exception {
    berth.admin("POST", "/api/v1/sessions", "{\"id\":\"other\"}");
    String token =
        berth.admin("POST", "/api/v1/sessions", "{\"id\":\"mine\"}").json().get("token").asString();
    var dashboard = Map.of("Cookie", login(token), "X-Requested-By", "berth-dashboard");
    assertThat(call("GET", "/api/v1/me", null, dashboard).body())
        .isEqualTo("{\"role\":\"session\",\"session\":\"mine\"}");
    var list = TestServer.JSON.readTree(call("GET", "/api/v1/sessions", null, dashboard).body());
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0).get("id").asString()).isEqualTo("mine");
    assertThat(call("POST", "/api/v1/sessions/mine/stop", null, dashboard).statusCode())
        .isEqualTo(403);
  }

  @Test
  void aTokenKeepsItsNewestLoginsOnlyUpToTheCapAndTheOldestEnd() throws Exception {
    String token =
        berth.admin("POST", "/api/v1/sessions", "{\"id\":\"many\"}").json().get("token").asString();
    int cap = BrowserCredentialStore.LIVE_PER_HOLDER;
    java.util.List<String> cookies = new java.util.ArrayList<>();
    for (int i = 0; i < cap + 5; i++) {
      cookies.add(login(token));
    }
    java.util.List<Integer> ended = new java.util.ArrayList<>();
    for (int i = 0; i < cookies.size(); i++) {
      var dashboard = Map.of("Cookie", cookies.get(i), "X-Requested-By", "berth-dashboard");
      HttpResponse<String> me = call("GET", "/api/v1/me", null, dashboard);
      if (me.statusCode() == 401) {
        assertThat(me.body()).contains("log in again");
        ended.add(i);
      } else {
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
      }
    }
    // Logins made within one millisecond are of one age: which of those goes is not defined,
    // but only the oldest go, and the newest always works.
    assertThat(ended).hasSize(5).allMatch(i -> i < 20);
    assertThat(ended).doesNotContain(cookies.size() - 1);
    assertThat(dashboardLogins()).as("live dashboard logins in the registry").isEqualTo(cap);
  }

  private int dashboardLogins() throws Exception {
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("berth.db"));
        var rs =
            c.createStatement()
                .executeQuery("SELECT COUNT(*) FROM browser_credentials WHERE kind='DASHBOARD'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void badLoginsSayWhatToFix() throws Exception {
    assertThat(call("POST", "/api/v1/login", "{}", Map.of()).statusCode()).isEqualTo(400);
    HttpResponse<String> wrong =
        call("POST", "/api/v1/login", "{\"token\":\"berth_s_nope\"}", Map.of());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    var unknownCookie = Map.of("Cookie", "berth_dashboard=berth_d_made_up", "X-Requested-By", "x");
    assertThat(call("GET", "/api/v1/me", null, unknownCookie).statusCode()).isEqualTo(401);
  }
}
