package dev.berth.api;

import dev.berth.auth.LoginProof;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.LogSink;
import dev.berth.service.SessionContainerOps;
import dev.berth.template.SessionContainer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/sessions/{id}/logs/stream?lines=&container=}: a container's output followed as
 * it is written ({@code berth session logs -f}), as Server-Sent Events: {@code output} events
 * ({@code {"text"}}: the last {@code lines} lines first, then each new piece), and an {@code end}
 * event ({@code {"reason"}}) when the log ends (the container stopped or went away), after which
 * the stream ends. The backend follows its own log ({@code SessionRuntime.followLog}: Docker's
 * follow stream, the local app's log file); nothing here polls a tail.
 *
 * <p>Each open stream holds a follow in the backend (on Docker a connection to the engine, from the
 * pool every Docker call shares), so there are at most {@value #PER_CREDENTIAL} per token or login
 * and {@value #IN_ALL} in all; beyond, a 429 until one is closed.
 */
final class LogStreams {
  private static final Logger log = LoggerFactory.getLogger(LogStreams.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final int PER_CREDENTIAL = 4;
  static final int IN_ALL = 16;
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final String FOLLOW = "berth.logs.follow";
  static final String PATH = "/api/v1/sessions/{id}/logs/stream";

  private final SessionContainerOps containers;
  private final OpenStreams streams;
  private final Map<LoginProof, AtomicInteger> held = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();

  LogStreams(SessionContainerOps containers, OpenStreams streams) {
    this.containers = containers;
    this.streams = streams;
  }

  void register(RoutesConfig r) {
    r.before(PATH, this::before);
    r.sse(PATH, this::handle);
    r.after(PATH, LogStreams::end);
  }

  /** One followed log: the backend's follow feeding a bounded queue the stream's thread drains. */
  private final class Follow implements LogSink {
    /** A piece of output, or (with {@code end} set) the log's end. */
    private record Item(byte[] data, String end) {}

    final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(64);
    final LoginProof proof;
    volatile AutoCloseable backend;
    volatile boolean closed;
    private final AtomicBoolean freed = new AtomicBoolean();

    Follow(LoginProof proof) {
      this.proof = proof;
    }

    @Override
    public void output(byte[] data, int offset, int length) throws InterruptedException {
      Item item = new Item(Arrays.copyOfRange(data, offset, offset + length), null);
      // Waits while the client is behind (the backend then reads no further), never for ever:
      // once the stream closed nobody drains the queue.
      while (!closed && !queue.offer(item, 1, TimeUnit.SECONDS)) {
        // still behind
      }
    }

    @Override
    public void end(String why) {
      try {
        while (!closed && !queue.offer(new Item(null, why), 1, TimeUnit.SECONDS)) {
          // still behind
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Closes the backend's follow and frees this stream's place; idempotent. */
    void close() {
      closed = true;
      if (!freed.compareAndSet(false, true)) {
        return;
      }
      open.decrementAndGet();
      held.computeIfPresent(proof, (p, n) -> n.decrementAndGet() <= 0 ? null : n);
      AutoCloseable b = backend;
      if (b != null) {
        try {
          b.close();
        } catch (Exception e) {
          log.debug("closing a log follow: {}", e.toString());
        }
      }
    }
  }

  /**
   * Checks the request and starts the follow before the stream begins, so an unknown session or
   * container, a bad parameter, a backend that cannot follow or one stream too many is a plain JSON
   * error rather than an empty stream.
   */
  private void before(Context ctx) {
    SseRequests.requireEventStream(ctx, "the last lines alone: GET .../logs");
    var id = SessionRoutes.id(ctx);
    int lines = (int) RequestBodies.longParam(ctx, "lines", 100, 0, 10_000);
    String container = ctx.queryParam("container");
    String type = container == null || container.isEmpty() ? SessionContainer.MAIN : container;
    var follow = new Follow(ApiAuth.proof(ctx));
    reserve(follow.proof);
    ctx.attribute(FOLLOW, follow);
    try {
      follow.backend = containers.followLog(id, type, lines, follow);
    } catch (RuntimeException refused) {
      follow.close();
      throw refused;
    }
  }

  private void reserve(LoginProof proof) {
    synchronized (held) {
      int mine = held.getOrDefault(proof, new AtomicInteger()).get();
      if (mine >= PER_CREDENTIAL || open.get() >= IN_ALL) {
        throw new BerthException(
            ErrorCode.TOO_MANY_REQUESTS,
            (mine >= PER_CREDENTIAL
                    ? "this token already follows " + mine + " logs, the most one credential may"
                    : "Berth already follows " + open.get() + " logs, the most it does")
                + " at once ("
                + (mine >= PER_CREDENTIAL ? PER_CREDENTIAL : IN_ALL)
                + "); close one and try again");
      }
      held.computeIfAbsent(proof, p -> new AtomicInteger()).incrementAndGet();
      open.incrementAndGet();
    }
  }

  /** The request is over, however it ended: its follow goes (the stream's thread does it too). */
  private static void end(Context ctx) {
    Follow follow = ctx.attribute(FOLLOW);
    if (follow != null) {
      follow.close();
    }
  }

  private void handle(SseClient client) {
    Follow follow = client.ctx().attribute(FOLLOW);
    client.keepAlive();
    client.onClose(follow::close);
    streams.start(client, "berth-log-stream", () -> pump(client, follow), follow::close);
  }

  private static void pump(SseClient client, Follow follow) throws InterruptedException {
    // Text across pieces: a character the container wrote in two writes is decoded whole.
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer carry = ByteBuffer.allocate(0);
    while (!client.terminated()) {
      Follow.Item item = follow.queue.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
      if (item == null) {
        client.sendComment("waiting");
        continue;
      }
      if (item.end() != null) {
        client.sendEvent("end", JSON.writeValueAsString(Map.of("reason", item.end())));
        return;
      }
      ByteBuffer in = ByteBuffer.allocate(carry.remaining() + item.data().length);
      in.put(carry).put(item.data()).flip();
      CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
      utf8.decode(in, out, false);
      carry = in.slice();
      out.flip();
      if (out.hasRemaining()) {
        client.sendEvent("output", JSON.writeValueAsString(Map.of("text", out.toString())));
      }
    }
  }
}
