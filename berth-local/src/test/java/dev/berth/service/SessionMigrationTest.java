package dev.berth.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.Tokens;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.MigrationResult;
import dev.berth.session.Session;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionStatus;
import dev.berth.template.TemplateLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration between two backends. Both are local runtimes here (in separate directories), which is
 * enough for the algorithm: stop, export, prepare and import on the target, start, switch, clean
 * the source, and roll back on failure. Local ⇄ Docker is tested against the real engine in
 * berth-cli.
 */
class SessionMigrationTest {
  @TempDir Path home;
  private Registry registry;
  private LocalRuntime a;
  private LocalRuntime b;
  private final AtomicReference<String> failOn = new AtomicReference<>("");
  private SessionService service;

  @BeforeEach
  void setUp() throws IOException {
    Path dir = Files.createDirectories(home.resolve("templates/app"));
    Files.writeString(dir.resolve("template.yaml"), "command: [sleep, '300']\n");
    Path pinned = Files.createDirectories(home.resolve("templates/pinned"));
    Files.writeString(pinned.resolve("template.yaml"), "parent: app\nallowedBackends: [a]\n");
    registry = Registry.openSqlite(home.resolve("berth.db"));
    a = new LocalRuntime(home.resolve("a"), "test");
    b = new LocalRuntime(home.resolve("b"), "test");
    Map<String, SessionRuntime> backends = new LinkedHashMap<>();
    backends.put("a", a);
    backends.put("b", failing(b));
    service =
        new SessionService(
            registry,
            new Backends(backends, "a"),
            TemplateLoader.load(home.resolve("templates")),
            new Tokens(registry.tokens(), Clock.systemUTC()),
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            WorkspaceLimits.DEFAULTS);
  }

  @AfterEach
  void tearDown() {
    failOn.set("");
    for (Session s : registry.sessions().list(dev.berth.registry.SessionFilter.ALL_LIVE)) {
      service.delete(s.id());
    }
    registry.close();
  }

  /**
   * {@code b}, except that the method named in {@link #failOn} throws: a method of the runtime, or
   * of the workspace access it gives.
   */
  private SessionRuntime failing(SessionRuntime real) {
    return failing(SessionRuntime.class, real);
  }

  private <T> T failing(Class<T> type, T real) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getName().equals(failOn.get())) {
                throw new BerthException(ErrorCode.RUNTIME_FAILURE, "injected failure");
              }
              Object result;
              try {
                result = method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              return result instanceof WorkspaceAccess w
                  ? failing(WorkspaceAccess.class, w)
                  : result;
            }));
  }

  private SessionId runningWithFiles(String id) {
    var created =
        service.create(
            new CreateSessionRequest(
                Optional.of(SessionId.of(id)),
                Optional.of("app"),
                Optional.empty(),
                Map.of(),
                true));
    assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
    var ws = service.workspace();
    ws.writeFile(created.session().id(), "notes.txt", bytes("kept"));
    ws.writeFile(created.session().id(), "deep/er/data.bin", bytes("x".repeat(100_000)));
    return created.session().id();
  }

  private static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(UTF_8));
  }

  private String read(SessionId id, String path) {
    return new String(service.workspace().readFile(id, path), UTF_8);
  }

  private boolean hasResources(LocalRuntime runtime, SessionId id) {
    return runtime.listOwned().stream().anyMatch(r -> r.handle().equals(id.value()));
  }

  @Test
  void aTemplatesAllowedBackendsBindCreateAndMigrateAndARefusalChangesNothing() {
    var onB =
        new CreateSessionRequest(
            Optional.of(SessionId.of("elsewhere")),
            Optional.of("pinned"),
            Optional.of("b"),
            Map.of(),
            true);
    assertThatThrownBy(() -> service.create(onB))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("template 'pinned' allows its sessions only on a; backend 'b'")
        .extracting(e -> ((BerthException) e).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(registry.sessions().find(SessionId.of("elsewhere")))
        .as("nothing recorded")
        .isEmpty();
    assertThat(b.listOwned()).as("nothing made").isEmpty();

    var pinned =
        service.create(
            new CreateSessionRequest(
                Optional.of(SessionId.of("pinned1")),
                Optional.of("pinned"),
                Optional.empty(),
                Map.of(),
                true));
    assertThat(pinned.session().backend()).isEqualTo("a");
    assertThatThrownBy(() -> service.migrate(SessionId.of("pinned1"), "b"))
        .hasMessageContaining("allows its sessions only on a");
    Session after = service.get(SessionId.of("pinned1"));
    assertThat(after.backend()).isEqualTo("a");
    assertThat(after.status()).as("left running where it was").isEqualTo(SessionStatus.RUNNING);
    assertThat(b.listOwned()).isEmpty();
  }

  @Test
  void aRunningSessionMovesWithItsFilesAndRunsOnTheTarget() {
    SessionId id = runningWithFiles("mover");

    MigrationResult result = service.migrate(id, "b");

    assertThat(result.session().backend()).isEqualTo("b");
    assertThat(result.session().status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(service.get(id).backend()).as("recorded in the registry").isEqualTo("b");
    assertThat(read(id, "notes.txt")).isEqualTo("kept");
    assertThat(read(id, "deep/er/data.bin")).hasSize(100_000);
    assertThat(result.sourceCleanup().complete()).isTrue();
    assertThat(result.sourceCleanup().removed()).isNotEmpty();
    assertThat(hasResources(a, id)).as("nothing left on the source").isFalse();
    assertThat(hasResources(b, id)).isTrue();
    assertThat(service.events(id, 0, 100))
        .extracting(SessionEvent::message)
        .anyMatch(m -> m.contains("moved from a to b"));

    MigrationResult back = service.migrate(id, "a");
    assertThat(back.session().backend()).isEqualTo("a");
    assertThat(read(id, "notes.txt")).isEqualTo("kept");
    assertThat(hasResources(b, id)).isFalse();
  }

  @Test
  void aStoppedSessionStaysStoppedOnTheTarget() {
    SessionId id = runningWithFiles("resting");
    service.stop(id);

    MigrationResult result = service.migrate(id, "b");

    assertThat(result.session().status()).isEqualTo(SessionStatus.STOPPED);
    assertThat(service.start(id).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(read(id, "notes.txt")).isEqualTo("kept");
  }

  @Test
  void aFailureOnTheTargetLeavesTheSessionRunningOnTheSourceAndNothingOnTheTarget() {
    for (String step : List.of("importWorkspace", "start")) {
      SessionId id = runningWithFiles("stay-" + step.toLowerCase());
      failOn.set(step);

      assertThatThrownBy(() -> service.migrate(id, "b"))
          .isInstanceOf(BerthException.class)
          .hasMessageContaining("migration to b failed: injected failure")
          .hasMessageContaining("stays on a, running again");

      failOn.set("");
      Session s = service.get(id);
      assertThat(s.backend()).isEqualTo("a");
      assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(read(id, "notes.txt")).isEqualTo("kept");
      assertThat(hasResources(b, id)).as("the target's resources were removed").isFalse();
    }
  }

  @Test
  void badRequestsAreRefusedAndChangeNothing() {
    SessionId id = runningWithFiles("picky");

    assertThatThrownBy(() -> service.migrate(id, "a"))
        .hasMessageContaining("already runs on backend 'a'");
    assertThatThrownBy(() -> service.migrate(id, "nowhere"))
        .hasMessageContaining("unknown backend 'nowhere'")
        .hasMessageContaining("[a, b]");
    assertThatThrownBy(() -> service.migrate(SessionId.of("ghost"), "b"))
        .hasMessageContaining("no session 'ghost'");

    assertThat(service.get(id).backend()).isEqualTo("a");
    assertThat(service.get(id).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(hasResources(b, id)).isFalse();
  }

  @Test
  void resourcesLeftOnABackendTheSessionDoesNotLiveOnAreOrphans() {
    SessionId id = runningWithFiles("crashed-mid-move");
    // What a manager killed during a migration leaves: the session's resources on the target too.
    b.prepare(
        dev.berth.runtime.RuntimeSession.fresh(
            id, service.templateOrBuiltin(service.get(id)), Map.of()));
    assertThat(hasResources(b, id)).isTrue();

    var orphans =
        new dev.berth.reconcile.OrphanCollector(
                registry.sessions(),
                registry.pools(),
                service.backends(),
                Clock.systemUTC(),
                service::exclusive)
            .collect(Duration.ZERO, false);

    assertThat(orphans)
        .extracting(o -> o.backend() + "/" + o.sessionId())
        .containsExactly("b/crashed-mid-move");
    assertThat(hasResources(b, id)).isFalse();
    assertThat(hasResources(a, id)).as("the live session's own resources stay").isTrue();
    assertThat(read(id, "notes.txt")).isEqualTo("kept");
  }
}
