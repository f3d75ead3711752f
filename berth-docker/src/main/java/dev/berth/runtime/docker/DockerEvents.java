package dev.berth.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.berth.runtime.RuntimeEvent;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the engine's event stream for this installation's session containers (die, oom, destroy,
 * health status) and hands each to the reconciler as a {@link RuntimeEvent}. Why: a container that
 * is killed or removed behind Berth's back is noticed in milliseconds instead of at the next
 * periodic pass. It also writes the signals sent to each container ({@code kill}) and its ends into
 * {@link ContainerExits}, which tells a quit from an exit on a signal; each subscription asks for
 * every event since the engine's time just before it, so nothing between two streams is lost
 * unnoticed.
 *
 * <p>The stream ends when the engine goes away (a restart, a crash): the watcher then reports
 * {@code DISCONNECTED}, pings the engine with a growing pause until it answers, subscribes again
 * and reports {@code RECONNECTED}, on which the reconciler re-checks every session (whatever
 * happened while the stream was down is found that way, not replayed). It runs on one daemon thread
 * of its own, never throws, and stops when closed.
 */
final class DockerEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DockerEvents.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  private final DockerEngine engine;
  private final String instance;
  private final Consumer<RuntimeEvent> listener;
  private final ContainerExits exits;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Closeable stream;

  DockerEvents(
      DockerEngine engine, String instance, Consumer<RuntimeEvent> listener, ContainerExits exits) {
    this.engine = engine;
    this.instance = instance;
    this.listener = listener;
    this.exits = exits;
    this.thread = Thread.ofPlatform().daemon().name("berth-docker-events").unstarted(this::run);
  }

  DockerEvents start() {
    thread.start();
    return this;
  }

  private void run() {
    boolean connected = false;
    boolean everConnected = false;
    Duration pause = FIRST_RETRY;
    while (!closed) {
      String down = engine.ping();
      if (down != null) {
        if (connected) {
          connected = false;
          emit(RuntimeEvent.backendWide(RuntimeEvent.Kind.DISCONNECTED, down));
        }
        sleep(pause);
        pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
        continue;
      }
      pause = FIRST_RETRY;
      var callback = new Adapter();
      try {
        // The engine's own clock, asked before subscribing: events from then on are all delivered.
        Instant since =
            ContainerExits.parse(
                    engine
                        .quick("tell its time", () -> engine.client.infoCmd().exec())
                        .getSystemTime())
                .orElseThrow(() -> new IllegalStateException("the engine did not tell its time"));
        stream =
            engine
                .client
                .eventsCmd()
                .withSince(ContainerExits.since(since))
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("die", "oom", "destroy", "health_status", "kill")
                // Every container of a session, its extra containers too (their ends are judged
                // by the reconciler as well); events of containers of no session are dropped below.
                .withLabelFilter(Map.of(DockerLabels.INSTANCE, instance))
                .exec(callback);
        exits.following(this, since);
        if (everConnected && !connected) {
          emit(RuntimeEvent.backendWide(RuntimeEvent.Kind.RECONNECTED, "event stream is back"));
        }
        connected = true;
        everConnected = true;
        callback.awaitCompletion();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.debug("Docker event stream failed: {}", e.toString());
      } finally {
        exits.lost(this);
        closeQuietly(callback);
      }
      if (!closed && connected) {
        connected = false;
        emit(
            RuntimeEvent.backendWide(
                RuntimeEvent.Kind.DISCONNECTED,
                "the engine's event stream ended"
                    + callback.error.map(t -> ": " + DockerEngine.reason(t)).orElse("")));
        sleep(FIRST_RETRY);
      }
    }
  }

  /** The session event for one engine event; empty for events of no session. */
  static Optional<RuntimeEvent> toRuntimeEvent(Event e) {
    Map<String, String> attributes =
        e.getActor() == null || e.getActor().getAttributes() == null
            ? Map.of()
            : e.getActor().getAttributes();
    String session = attributes.get(DockerLabels.SESSION);
    String action = e.getAction() != null ? e.getAction() : e.getStatus();
    if (session == null || action == null) {
      return Optional.empty();
    }
    RuntimeEvent.Kind kind;
    String detail = action;
    if (action.equals("die")) {
      kind = RuntimeEvent.Kind.EXITED;
      detail = "die exitCode=" + attributes.getOrDefault("exitCode", "?");
    } else if (action.equals("oom")) {
      kind = RuntimeEvent.Kind.OOM;
    } else if (action.equals("destroy")) {
      kind = RuntimeEvent.Kind.REMOVED;
    } else if (action.startsWith("health_status")) {
      kind = RuntimeEvent.Kind.HEALTH;
    } else {
      return Optional.empty();
    }
    return Optional.of(RuntimeEvent.of(session, kind, detail));
  }

  /** Writes a container's signals, ends and removal into {@link #exits}. */
  private void record(Event e) {
    String id =
        e.getActor() != null && e.getActor().getId() != null ? e.getActor().getId() : e.getId();
    String action = e.getAction() != null ? e.getAction() : e.getStatus();
    if (id == null || action == null) {
      return;
    }
    Instant at = ContainerExits.eventTime(e.getTimeNano(), e.getTime());
    switch (action) {
      case "kill" -> {
        Map<String, String> attributes =
            e.getActor() == null || e.getActor().getAttributes() == null
                ? Map.of()
                : e.getActor().getAttributes();
        exits.killed(id, at, attributes.getOrDefault("signal", "?"));
      }
      case "die" -> exits.died(id, at);
      case "destroy" -> exits.destroyed(id);
      default -> {}
    }
  }

  private void emit(RuntimeEvent event) {
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      LOG.warn("runtime event listener failed on {}", event, e);
    }
  }

  private final class Adapter extends ResultCallback.Adapter<Event> {
    volatile Optional<Throwable> error = Optional.empty();

    @Override
    public void onNext(Event event) {
      record(event); // first, so the reconcile this event triggers sees how the run ended
      toRuntimeEvent(event).ifPresent(DockerEvents.this::emit);
    }

    @Override
    public void onError(Throwable throwable) {
      error = Optional.of(throwable);
      super.onError(throwable);
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the stream is gone either way
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    exits.lost(this);
    Closeable s = stream;
    if (s != null) {
      closeQuietly(s);
    }
    thread.interrupt();
  }
}
