package dev.berth.api;

import io.javalin.http.sse.SseClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-sent-event streams Berth holds open, each pumped by its own virtual thread, so that a
 * stopping server ends every one of them while its request is still alive.
 *
 * <p>Why: Jetty recycles a suspended request when it stops. A stream's thread that then writes (its
 * next keep-alive) makes Javalin's {@code SseClient} resume the request's pipeline on the recycled
 * request, where each error handler fails on it and queues the next: a loop without end. Closing
 * the streams first (on Javalin's "server stopping" event) completes each response properly — the
 * client reads its last chunk — and the threads end before Jetty stops.
 */
final class OpenStreams {
  private static final Logger log = LoggerFactory.getLogger(OpenStreams.class);

  /** How long a stopping server waits for all the streams' threads together. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  /** The body of a stream: writes to its client until the stream is over. */
  @FunctionalInterface
  interface Pump {
    void run() throws InterruptedException;
  }

  private record Open(SseClient client, Thread thread) {}

  private final Set<Open> open = ConcurrentHashMap.newKeySet();

  OpenStreams(MeterRegistry meters) {
    Gauge.builder("berth.open.streams", open, Set::size)
        .description("Server-sent-event streams open now (events, changes, logs, processes)")
        .register(meters);
  }

  /**
   * Pumps {@code client} on a virtual thread named {@code name}; when the pump ends (however it
   * ends), {@code cleanup} runs and the client is closed.
   */
  void start(SseClient client, String name, Pump pump, Runnable cleanup) {
    var holder = new Open[1];
    Thread thread =
        Thread.ofVirtual()
            .name(name)
            .unstarted(
                () -> {
                  try {
                    pump.run();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (RuntimeException e) {
                    log.debug("{} client ended: {}", name, e.toString());
                  } finally {
                    try {
                      cleanup.run();
                      client.close();
                    } finally {
                      open.remove(holder[0]);
                    }
                  }
                });
    holder[0] = new Open(client, thread);
    open.add(holder[0]);
    thread.start();
  }

  int count() {
    return open.size();
  }

  /** Ends every open stream and waits (a bounded time) for their threads. */
  void closeAll() {
    for (Open o : Set.copyOf(open)) {
      try {
        o.client().close();
      } catch (RuntimeException e) {
        log.debug("closing a stream at stop: {}", e.toString());
      }
      // Wakes a pump waiting for its next item; it sees the client terminated and returns.
      o.thread().interrupt();
    }
    long deadline = System.nanoTime() + STOP_WAIT.toNanos();
    for (Open o : Set.copyOf(open)) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !o.thread().join(Duration.ofNanos(left))) {
          log.warn("stream thread {} did not end within {} of stop", o.thread(), STOP_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    log.debug("all streams closed ({} left)", open.size());
  }
}
