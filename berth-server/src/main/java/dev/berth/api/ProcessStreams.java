package dev.berth.api;

import dev.berth.service.processes.LiveProcess;
import dev.berth.service.processes.OutputLog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET .../processes/{pid}/stream}: a process's output as Server-Sent Events, for clients
 * without WebSockets. Each {@code output} event carries one chunk ({@code stream}, {@code offset},
 * {@code text} or base64 {@code data}) and, as its SSE id, the offset after it, so a client that
 * reconnects with {@code Last-Event-ID} (or {@code ?since=}) goes on where it stopped; a {@code
 * skipped} event says how many bytes it missed when the log no longer had them; an {@code exit}
 * event ({@code exitCode}, {@code endedBy}) ends the stream. The stream is an attached reader: a
 * foreground process waits for it (see {@link OutputLog}).
 */
final class ProcessStreams {
  private static final Logger log = LoggerFactory.getLogger(ProcessStreams.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PROCESS = "berth.process";
  private static final String SINCE = "berth.since";
  private static final String BASE64 = "berth.base64";
  private static final Duration POLL = Duration.ofSeconds(15); // a comment line keeps proxies open

  private final ProcessRoutes routes;
  private final OpenStreams streams;

  ProcessStreams(ProcessRoutes routes, OpenStreams streams) {
    this.routes = routes;
    this.streams = streams;
  }

  void register(RoutesConfig r) {
    String path = ProcessRoutes.PATH + "/{pid}/stream";
    // Found and checked before the stream begins, so an unknown process is a plain 404 and a bad
    // parameter a 400, not an empty stream.
    r.before(
        path,
        ctx -> {
          SseRequests.requireEventStream(ctx, "what was kept so far: GET .../output");
          ctx.attribute(PROCESS, routes.process(ctx));
          ctx.attribute(SINCE, since(ctx));
          ctx.attribute(BASE64, ProcessRoutes.encoding(ctx));
        });
    r.sse(path, this::handle);
  }

  private static long since(Context ctx) {
    String last = ctx.header("Last-Event-ID");
    if (last != null && last.matches("[0-9]{1,18}")) {
      return Long.parseLong(last);
    }
    return RequestBodies.longParam(ctx, "since", 0, 0, Long.MAX_VALUE);
  }

  private void handle(SseClient client) {
    Context ctx = client.ctx();
    LiveProcess p = ctx.attribute(PROCESS);
    Boolean base64 = ctx.attribute(BASE64);
    Long since = ctx.attribute(SINCE);
    OutputLog.Cursor cursor = p.output().attach(since);
    client.keepAlive();
    client.onClose(cursor::close);
    streams.start(
        client, "berth-process-stream", () -> pump(client, p, cursor, base64), cursor::close);
  }

  private static void pump(SseClient client, LiveProcess p, OutputLog.Cursor cursor, boolean base64)
      throws InterruptedException {
    while (!client.terminated()) {
      OutputLog.Read r = cursor.next(ProcessRoutes.MAX_READ_BYTES, POLL);
      if (r.skipped() > 0) {
        client.sendEvent("skipped", JSON.writeValueAsString(Map.of("skipped", r.skipped())));
      }
      for (OutputLog.Chunk c : r.chunks()) {
        client.sendEvent(
            "output",
            JSON.writeValueAsString(ProcessViews.chunk(c, base64)),
            Long.toString(c.offset() + c.data().length));
      }
      if (r.ended()) {
        p.exit().join();
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("exitCode", p.exitCode().isPresent() ? p.exitCode().getAsInt() : null);
        end.put("endedBy", p.endedBy().orElse(null));
        client.sendEvent("exit", JSON.writeValueAsString(end));
        return;
      }
      if (r.chunks().isEmpty() && r.skipped() == 0) {
        client.sendComment("waiting");
      }
    }
  }
}
