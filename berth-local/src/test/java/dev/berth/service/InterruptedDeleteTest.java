package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.Tokens;
import dev.berth.base.SessionId;
import dev.berth.registry.Registry;
import dev.berth.runtime.Backends;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.DesiredState;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionEvent;
import dev.berth.template.TemplateLoader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete whose manager dies after removing resources: the run that finishes it must still list
 * them in the receipt. The "death" is an Error thrown right after the runtime removed everything,
 * which leaves the registry exactly as a kill -9 at that point would (the real kill -9 against
 * Docker is EngineFaultTest).
 */
class InterruptedDeleteTest {
  @TempDir Path home;

  /** Thrown in place of the manager dying. */
  private static final class SimulatedCrash extends Error {
    SimulatedCrash() {
      super("the manager died here");
    }
  }

  @Test
  void theFinishingRunsReceiptListsWhatTheInterruptedRunRemoved() {
    LocalRuntime real = new LocalRuntime(home.resolve("sessions"), "test");
    AtomicBoolean crashAfterDestroy = new AtomicBoolean(true);
    SessionRuntime dying =
        (SessionRuntime)
            Proxy.newProxyInstance(
                SessionRuntime.class.getClassLoader(),
                new Class<?>[] {SessionRuntime.class},
                (proxy, method, args) -> {
                  Object result;
                  try {
                    result = method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                  if (method.getName().equals("destroy") && crashAfterDestroy.getAndSet(false)) {
                    throw new SimulatedCrash();
                  }
                  return result;
                });
    try (Registry registry = Registry.openSqlite(home.resolve("berth.db"))) {
      var service =
          new SessionService(
              registry,
              Backends.of(dying),
              TemplateLoader.load(home.resolve("templates")),
              new Tokens(registry.tokens(), Clock.systemUTC()),
              Clock.systemUTC(),
              Duration.ofSeconds(5),
              WorkspaceLimits.DEFAULTS);
      SessionId id = service.create(CreateSessionRequest.ofTemplate("default")).session().id();
      Path dir = home.resolve("sessions").resolve(id.value());
      assertThat(dir).isDirectory();

      assertThatThrownBy(() -> service.delete(id)).isInstanceOf(SimulatedCrash.class);
      assertThat(Files.exists(dir)).as("the first run removed the directory").isFalse();
      assertThat(service.get(id).lifecycle().desired()).isEqualTo(DesiredState.DELETED);

      SessionCleanupReceipt receipt = service.delete(id);
      assertThat(receipt.complete()).isTrue();
      assertThat(receipt.removed())
          .as("what the interrupted run removed is on the finishing run's receipt")
          .extracting(r -> r.kind() + " " + r.name())
          .contains("directory " + dir);
      assertThat(registry.events().of(id, 0, 100))
          .extracting(SessionEvent::message)
          .anyMatch(m -> m.startsWith("finishing an interrupted"));
      assertThatThrownBy(() -> service.get(id)).hasMessageContaining("no session");
    }
  }
}
