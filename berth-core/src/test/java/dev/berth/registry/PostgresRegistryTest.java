package dev.berth.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.Tokens;
import dev.berth.runtime.Backends;
import dev.berth.runtime.fake.FakeRuntime;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.SessionStatus;
import dev.berth.template.TemplateLoader;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry contract on a real PostgreSQL (Debian's package, a private server per test run; see
 * {@link LocalPostgres}), and a session's whole life on it.
 */
class PostgresRegistryTest extends RegistryContract {
  @TempDir Path home;
  private String url;

  @BeforeEach
  void database() {
    url = LocalPostgres.get().newDatabase();
  }

  @Override
  Registry open() {
    return Registry.openPostgres(url, "", "");
  }

  @Override
  String jdbcUrl() {
    return url;
  }

  @Override
  String vendor() {
    return "postgresql";
  }

  @Override
  void awaitWaitingForALock(java.util.concurrent.Future<?> writer) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              if (writer.isDone()) {
                return true;
              }
              try (var c = java.sql.DriverManager.getConnection(url);
                  var st = c.createStatement();
                  var rs =
                      st.executeQuery(
                          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type='Lock'"
                              + " AND datname=current_database()")) {
                rs.next();
                return rs.getInt(1) > 0;
              }
            });
  }

  @Test
  void aSessionLivesAndDiesOnPostgres() {
    try (var registry = open()) {
      var service =
          new SessionService(
              registry,
              Backends.of(new FakeRuntime(Clock.systemUTC())),
              TemplateLoader.load(home.resolve("templates")),
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      var created =
          service.create(
              new CreateSessionRequest(
                  Optional.empty(), Optional.empty(), Optional.empty(), Map.of("k", "v"), true));
      var id = created.session().id();
      service.workspace().writeFile(id, "a.txt", new ByteArrayInputStream("pg".getBytes(UTF_8)));
      assertThat(service.get(id).status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(service.delete(id).complete()).isTrue();
      assertThat(service.events(id, 0, 100)).isNotEmpty();
    }
  }

  @Test
  void aReusedIdOnPostgresStartsItsOwnTrailAndARotatedTokenIsTheOnlyOne() {
    try (var registry = open()) {
      var tokens = new Tokens(registry.tokens(), Clock.systemUTC());
      var service =
          new SessionService(
              registry,
              Backends.of(new FakeRuntime(Clock.systemUTC())),
              TemplateLoader.load(home.resolve("templates")),
              tokens,
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      var id = dev.berth.base.SessionId.of("pg-again");
      var request =
          new CreateSessionRequest(
              Optional.of(id), Optional.empty(), Optional.empty(), Map.of(), true);
      service.create(request);
      assertThat(service.delete(id).complete()).isTrue();
      String old = service.create(request).token();
      assertThat(service.events(id, 0, 100))
          .extracting(e -> e.type())
          .doesNotContain("deleting", "cleanup");
      assertThat(service.trails().of(id, 1, 0, 100)).extracting(e -> e.type()).contains("cleanup");
      assertThat(service.trails().incarnation(id)).hasValue(2);

      String fresh = service.rotateToken(id, new dev.berth.auth.Principal.Admin());
      assertThatThrownBy(() -> tokens.authenticate(old)).hasMessageContaining("not valid");
      assertThat(tokens.authenticate(fresh).canAccess(id)).isTrue();
    }
  }

  @Test
  void aWrongUrlIsAClearErrorWithoutThePassword() {
    assertThatThrownBy(() -> Registry.openPostgres("postgresql://x/y", "", ""))
        .hasMessageContaining("must start with jdbc:postgresql://");
    assertThatThrownBy(
            () ->
                Registry.openPostgres(
                    "jdbc:postgresql://127.0.0.1:1/none?user=u&password=secret", "", ""))
        .hasMessageContaining("cannot open the postgresql registry")
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("secret");
  }
}
