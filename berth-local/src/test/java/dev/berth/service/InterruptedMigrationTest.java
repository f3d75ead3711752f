package dev.berth.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.Tokens;
import dev.berth.base.Pause;
import dev.berth.base.SessionId;
import dev.berth.config.DataDirectory;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Backends;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.DesiredState;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager that dies during a migration (issue 15): the next start rolls the migration back (the
 * session running on its source again, what the target made removed) or, if the registry had
 * switched the session already, finishes it; the session's events say so, and the temporary
 * workspace archive lived in the data directory's {@code tmp}, which start-up empties. Before, the
 * session stayed STOPPED and the archive stayed in {@code /tmp}.
 *
 * <p>The "death" is an Error thrown from a runtime call, which no step catches: the registry is
 * left as a kill -9 at that point leaves it (the archive too is left in place by standing in a file
 * for it, since an Error still runs the finally blocks a kill skips).
 */
class InterruptedMigrationTest {
  @TempDir Path home;
  private Path tmp;
  private final List<Registry> opened = new ArrayList<>();
  private final List<String> archivesSeenAtTheCrash = new ArrayList<>();

  /** Thrown in place of the manager dying. */
  private static final class SimulatedCrash extends Error {
    SimulatedCrash() {
      super("the manager died here");
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    Path dir = Files.createDirectories(home.resolve("templates/app"));
    Files.writeString(dir.resolve("template.yaml"), "command: [sleep, '300']\n");
    tmp = DataDirectory.prepare(home);
  }

  @AfterEach
  void tearDown() {
    SessionService service = start(Map.of()); // real runtimes, to clean up
    for (Session s : opened.getLast().sessions().list(SessionFilter.ALL_LIVE)) {
      service.delete(s.id());
    }
    opened.forEach(Registry::close);
  }

  /** A service as one manager run builds it; {@code crashOn}: backend name to the dying method. */
  private SessionService start(Map<String, String> crashOn) {
    Registry registry = Registry.openSqlite(home.resolve("berth.db"));
    opened.add(registry);
    Map<String, SessionRuntime> backends = new LinkedHashMap<>();
    for (String name : List.of("a", "b")) {
      SessionRuntime real = new LocalRuntime(home.resolve(name), "test");
      backends.put(name, crashOn.containsKey(name) ? dying(real, crashOn.get(name)) : real);
    }
    return new SessionService(
        registry,
        new Backends(backends, "a"),
        TemplateLoader.load(home.resolve("templates")),
        new Tokens(registry.tokens(), Clock.systemUTC()),
        Clock.systemUTC(),
        Duration.ofSeconds(5),
        WorkspaceLimits.DEFAULTS,
        Pause.SLEEP,
        tmp);
  }

  /** {@code real}, except that calling {@code method} kills the manager (before it runs). */
  private SessionRuntime dying(SessionRuntime real, String method) {
    return (SessionRuntime)
        Proxy.newProxyInstance(
            SessionRuntime.class.getClassLoader(),
            new Class<?>[] {SessionRuntime.class},
            (proxy, m, args) -> {
              if (m.getName().equals(method)) {
                archivesSeenAtTheCrash.addAll(listing(tmp));
                throw new SimulatedCrash();
              }
              try {
                return m.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static List<String> listing(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static SessionId runningWithANote(SessionService service, String id) {
    var created =
        service.create(
            new CreateSessionRequest(
                Optional.of(SessionId.of(id)),
                Optional.of("app"),
                Optional.empty(),
                Map.of(),
                true));
    assertThat(created.session().status()).isEqualTo(SessionStatus.RUNNING);
    service
        .workspace()
        .writeFile(created.session().id(), "notes.txt", new ByteArrayInputStream(bytes("kept")));
    return created.session().id();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private boolean hasResources(String backend, SessionId id) {
    return new LocalRuntime(home.resolve(backend), "test")
        .listOwned().stream().anyMatch(r -> r.handle().equals(id.value()));
  }

  /**
   * What a kill -9 during the migration leaves in tmp (the Error ran the finally that a kill
   * skips).
   */
  private void leaveAnArchiveBehind() throws IOException {
    Files.writeString(tmp.resolve("berth-migrate-left-by-the-crash.tar"), "workspace copy");
  }

  private static List<String> messages(SessionService service, SessionId id) {
    return service.events(id, 0, 200).stream().map(SessionEvent::message).toList();
  }

  @Test
  void aCrashAfterTheSourceStoppedAndBeforeTheTargetWasMadeIsRolledBackAtTheNextStart()
      throws IOException {
    SessionService dyingRun = start(Map.of("b", "prepare"));
    SessionId id = runningWithANote(dyingRun, "crash-before-target");

    assertThatThrownBy(() -> dyingRun.migrate(id, "b")).isInstanceOf(SimulatedCrash.class);
    assertThat(archivesSeenAtTheCrash)
        .as("the workspace archive is in the data directory's tmp")
        .anyMatch(name -> name.startsWith("berth-migrate-crash-before-target-"));
    assertThat(dyingRun.get(id).status())
        .as("what the crash left: the source stopped")
        .isEqualTo(SessionStatus.STOPPED);
    leaveAnArchiveBehind();

    // The next start, as BerthServer runs it.
    tmp = DataDirectory.prepare(home);
    SessionService next = start(Map.of());
    assertThat(next.recoverInterruptedMigrations()).containsExactly(id);

    assertThat(listing(tmp)).as("start-up emptied tmp").isEmpty();
    Session s = next.get(id);
    assertThat(s.backend()).isEqualTo("a");
    assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(s.lifecycle().desired()).isEqualTo(DesiredState.RUNNING);
    assertThat(new String(next.workspace().readFile(id, "notes.txt"), UTF_8)).isEqualTo("kept");
    assertThat(hasResources("b", id)).as("nothing on the target").isFalse();
    assertThat(messages(next, id))
        .anyMatch(
            m ->
                m.startsWith(
                    "rolled back the migration to b that a manager restart interrupted: the"
                        + " session stays on a, running again"));
    assertThat(next.recoverInterruptedMigrations()).as("settled once").isEmpty();
  }

  @Test
  void aCrashAfterTheTargetWasMadeRemovesItAndRestartsTheSource() throws IOException {
    SessionService dyingRun = start(Map.of("b", "start"));
    SessionId id = runningWithANote(dyingRun, "crash-half-made");

    assertThatThrownBy(() -> dyingRun.migrate(id, "b")).isInstanceOf(SimulatedCrash.class);
    assertThat(hasResources("b", id)).as("the crash left the target half made").isTrue();
    leaveAnArchiveBehind();

    tmp = DataDirectory.prepare(home);
    SessionService next = start(Map.of());
    next.recoverInterruptedMigrations();

    assertThat(listing(tmp)).isEmpty();
    assertThat(next.get(id).backend()).isEqualTo("a");
    assertThat(next.get(id).status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(hasResources("b", id)).as("the half-made target was removed").isFalse();
    assertThat(messages(next, id))
        .anyMatch(m -> m.contains("rolled back the migration to b") && m.contains("on b"));
  }

  @Test
  void aCrashAfterTheSwitchIsFinishedAtTheNextStart() {
    SessionService dyingRun = start(Map.of("a", "destroy")); // the source's cleanup
    SessionId id = runningWithANote(dyingRun, "crash-after-switch");

    assertThatThrownBy(() -> dyingRun.migrate(id, "b")).isInstanceOf(SimulatedCrash.class);
    assertThat(hasResources("a", id)).as("the source was not cleaned up").isTrue();

    tmp = DataDirectory.prepare(home);
    SessionService next = start(Map.of());
    next.recoverInterruptedMigrations();

    Session s = next.get(id);
    assertThat(s.backend()).isEqualTo("b");
    assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(new String(next.workspace().readFile(id, "notes.txt"), UTF_8)).isEqualTo("kept");
    assertThat(hasResources("a", id)).as("the source's cleanup was done").isFalse();
    assertThat(messages(next, id))
        .anyMatch(
            m ->
                m.startsWith(
                    "finished the migration from a to b that a manager restart interrupted"));
  }
}
