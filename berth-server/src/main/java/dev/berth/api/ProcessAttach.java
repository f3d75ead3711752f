package dev.berth.api;

import dev.berth.base.BerthException;
import dev.berth.runtime.ProcessSignal;
import dev.berth.runtime.TtySize;
import dev.berth.service.SessionProcessOps;
import dev.berth.service.processes.LiveProcess;
import dev.berth.service.processes.OutputLog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET .../processes/{pid}/attach}: a WebSocket to a running process, for terminals and
 * interactive clients. Every message is binary: one channel byte, then the payload (as Kubernetes'
 * exec protocol does). From the client: {@code 0} stdin bytes, {@code 4} a resize {@code
 * {"cols":..,"rows":..}}, {@code 5} a signal name ({@code INT}, {@code TERM}, ...), {@code 6} close
 * stdin. From Berth: {@code 1} stdout, {@code 2} stderr, {@code 7} {@code {"skipped":N}} when bytes
 * were no longer kept, and last {@code 3} {@code {"exitCode":..,"endedBy":..}}, then a normal
 * close. {@code ?since=} replays the kept output from that offset ({@code 0}, the default: all of
 * it). The socket is an attached reader: output is sent one message at a time, the next only once
 * the last was written, so a slow client holds a foreground process back instead of filling Berth's
 * memory.
 *
 * <p>Authentication happens before the upgrade ({@link ApiAuth#authenticateUpgrade}): HTTP's
 * before-handlers do not run for WebSocket upgrades.
 */
final class ProcessAttach {
  private static final Logger log = LoggerFactory.getLogger(ProcessAttach.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final byte STDIN = 0, STDOUT = 1, STDERR = 2, EXIT = 3, RESIZE = 4, SIGNAL = 5;
  static final byte CLOSE_STDIN = 6, SKIPPED = 7;
  private static final String PROCESS = "berth.process";
  private static final String SINCE = "berth.since";
  private static final Duration POLL = Duration.ofSeconds(30);

  private final ApiAuth auth;
  private final ProcessRoutes routes;
  private final SessionProcessOps processes;
  private final Map<String, OutputLog.Cursor> cursors = new ConcurrentHashMap<>();

  ProcessAttach(ApiAuth auth, ProcessRoutes routes, SessionProcessOps processes) {
    this.auth = auth;
    this.routes = routes;
    this.processes = processes;
  }

  void register(RoutesConfig r) {
    String path = ProcessRoutes.PATH + "/{pid}/attach";
    r.wsBeforeUpgrade(path, this::beforeUpgrade);
    r.ws(path, this::configure);
  }

  private void beforeUpgrade(Context ctx) {
    auth.authenticateUpgrade(ctx);
    LiveProcess p = routes.process(ctx);
    // Checked here, so a bad offset is a 400 before the upgrade instead of a silent replay of all.
    long since = RequestBodies.longParam(ctx, "since", 0, 0, Long.MAX_VALUE);
    ctx.attribute(PROCESS, p);
    ctx.attribute(SINCE, since);
  }

  private void configure(WsConfig ws) {
    ws.onConnect(this::connected);
    ws.onBinaryMessage(this::received);
    ws.onMessage(
        ctx -> ctx.closeSession(1003, "send binary messages: one channel byte, then the payload"));
    ws.onClose(ctx -> detach(ctx));
    ws.onError(ctx -> detach(ctx));
  }

  private void connected(WsConnectContext ctx) {
    LiveProcess p = ctx.attribute(PROCESS);
    Long since = ctx.attribute(SINCE);
    ctx.session.setIdleTimeout(Duration.ofHours(1));
    OutputLog.Cursor cursor = p.output().attach(since);
    cursors.put(ctx.sessionId(), cursor);
    Thread.ofVirtual().name("berth-process-attach").start(() -> pump(ctx, p, cursor));
  }

  private void detach(WsContext ctx) {
    OutputLog.Cursor c = cursors.remove(ctx.sessionId());
    if (c != null) {
      c.close();
    }
  }

  private static void send(WsContext ctx, byte channel, byte[] data, int offset, int length)
      throws Exception {
    ByteBuffer b = ByteBuffer.allocate(length + 1);
    b.put(channel).put(data, offset, length).flip();
    // One message in flight (Jetty allows no other): a slow client slows the reads of the log.
    synchronized (ctx.session) {
      var sent = new Callback.Completable();
      ctx.session.sendBinary(b, sent);
      sent.get();
    }
  }

  private void pump(WsContext ctx, LiveProcess p, OutputLog.Cursor cursor) {
    try {
      while (ctx.session.isOpen()) {
        OutputLog.Read r = cursor.next(256 * 1024, POLL);
        if (r.skipped() > 0) {
          byte[] s = JSON.writeValueAsBytes(Map.of("skipped", r.skipped()));
          send(ctx, SKIPPED, s, 0, s.length);
        }
        for (OutputLog.Chunk c : r.chunks()) {
          byte channel = c.stream() == dev.berth.runtime.ProcessStream.STDOUT ? STDOUT : STDERR;
          send(ctx, channel, c.data(), 0, c.data().length);
        }
        if (r.ended()) {
          p.exit().join();
          Map<String, Object> end = new LinkedHashMap<>();
          end.put("exitCode", p.exitCode().isPresent() ? p.exitCode().getAsInt() : null);
          end.put("endedBy", p.endedBy().orElse(null));
          byte[] e = JSON.writeValueAsBytes(end);
          send(ctx, EXIT, e, 0, e.length);
          ctx.closeSession(1000, "process ended");
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("process attach ended: {}", e.toString());
    } finally {
      detach(ctx);
    }
  }

  private void received(WsBinaryMessageContext ctx) {
    LiveProcess p = ctx.attribute(PROCESS);
    ByteBuffer data = ctx.data();
    if (!data.hasRemaining()) {
      return;
    }
    byte channel = data.get();
    byte[] payload = new byte[data.remaining()];
    data.get(payload);
    try {
      switch (channel) {
        case STDIN -> p.write(payload, 0, payload.length);
        case CLOSE_STDIN -> p.closeStdin();
        case RESIZE -> {
          JsonNode size = JSON.readTree(payload);
          p.resize(new TtySize(size.path("cols").asInt(0), size.path("rows").asInt(0)));
        }
        case SIGNAL -> p.signal(ProcessSignal.parse(new String(payload, StandardCharsets.UTF_8)));
        default ->
            throw BerthException.badRequest(
                "unknown channel " + channel + ": 0 stdin, 4 resize, 5 signal, 6 close stdin");
      }
      processes.touch(p.session(), "api");
    } catch (BerthException e) {
      // A mistake in one message ends nothing: say it on stderr's channel, as a terminal would.
      byte[] m = ("berth: " + e.getMessage() + "\r\n").getBytes(StandardCharsets.UTF_8);
      try {
        send(ctx, STDERR, m, 0, m.length);
      } catch (Exception ignored) {
        ctx.closeSession(1011, "cannot answer");
      }
    } catch (RuntimeException e) {
      ctx.closeSession(1003, "bad message: " + e.getMessage());
    }
  }
}
