package dev.berth.api;

import static dev.berth.api.SessionRoutes.id;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.service.SessionWorkspace;
import dev.berth.service.changes.Change;
import dev.berth.service.changes.ChangePage;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/sessions/{id}/changes}: which paths of the session's workspace changed, and by
 * whom ({@code api}, {@code mcp}, {@code session}), as Server-Sent Events. Each {@code change}
 * event has its cursor as its SSE id, so a client that reconnects with {@code Last-Event-ID} (or
 * {@code ?cursor=}) gets what came after it; without either the stream starts from now. A {@code
 * watching} event first (and whenever it changes) says how the session's own processes are seen
 * ({@code native}, {@code polling}, {@code none: why}); a {@code gap} event says the cursor was
 * older than what Berth still holds; an {@code end} event (the session was deleted) ends it. The
 * watcher is in place before the response begins: every change after it is reported.
 */
final class ChangeStream {
  private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PATH = "/api/v1/sessions/{id}/changes";
  private static final String START = "berth.changes.start";
  private static final String SESSION = "berth.changes.session";
  private static final String HELD = "berth.changes.held";
  private static final Duration WAIT = Duration.ofSeconds(15); // a comment keeps proxies open
  private static final int PAGE = 500;

  /** Open change streams one session may have at once (the next gets 429). */
  static final int STREAMS_PER_SESSION = 16;

  private final SessionWorkspace workspace;
  private final OpenStreams streams;
  private final Map<SessionId, AtomicInteger> open = new ConcurrentHashMap<>();

  ChangeStream(SessionWorkspace workspace, OpenStreams streams) {
    this.workspace = workspace;
    this.streams = streams;
  }

  void register(RoutesConfig r) {
    r.before(PATH, this::before);
    r.sse(PATH, this::handle);
    r.after(PATH, ctx -> release(ctx));
  }

  private void before(Context ctx) {
    SseRequests.requireEventStream(ctx, "or the MCP tool session_changes for one answer");
    SessionId id = id(ctx);
    Optional<Long> cursor = cursor(ctx);
    // Starts the session's watcher now, so a client that sees the stream begin misses nothing.
    ChangePage now = workspace.changes(id, Optional.empty(), 1, Duration.ZERO);
    ctx.attribute(SESSION, id);
    ctx.attribute(START, cursor.orElse(now.cursor()));
    if (ctx.method() != io.javalin.http.HandlerType.GET) {
      return; // not a stream (a HEAD): nothing to count
    }
    AtomicInteger count = open.computeIfAbsent(id, k -> new AtomicInteger());
    if (count.incrementAndGet() > STREAMS_PER_SESSION) {
      count.decrementAndGet();
      throw new BerthException(
          ErrorCode.TOO_MANY_REQUESTS,
          "session '"
              + id
              + "' already has "
              + STREAMS_PER_SESSION
              + " open change streams, the most one session may have; close one and try again");
    }
    // Released once, whichever comes first: the stream's end, or the request's (a client that
    // left before the stream began never reaches the stream).
    java.util.concurrent.atomic.AtomicBoolean held =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    ctx.attribute(
        HELD,
        (Runnable)
            () -> {
              if (held.compareAndSet(true, false)) {
                count.decrementAndGet();
              }
            });
  }

  private static void release(Context ctx) {
    Runnable release = ctx.attribute(HELD);
    if (release != null) {
      release.run();
    }
  }

  private static Optional<Long> cursor(Context ctx) {
    String raw = Optional.ofNullable(ctx.header("Last-Event-ID")).orElse(ctx.queryParam("cursor"));
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      long v = Long.parseLong(raw.strip());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return Optional.of(v);
    } catch (NumberFormatException e) {
      throw BerthException.badRequest(
          "Last-Event-ID / 'cursor' must be a change's cursor (a whole number >= 0), got '"
              + raw
              + "'");
    }
  }

  private void handle(SseClient client) {
    Context ctx = client.ctx();
    SessionId id = ctx.attribute(SESSION);
    long start = ctx.attribute(START);
    // Taken now: the request's attributes are gone once the stream has ended.
    Runnable release = Optional.ofNullable(ctx.<Runnable>attribute(HELD)).orElse(() -> {});
    client.keepAlive();
    streams.start(client, "berth-changes-stream", () -> pump(client, id, start), release);
  }

  private void pump(SseClient client, SessionId id, long start) {
    long cursor = start;
    String watching = "";
    while (!client.terminated()) {
      ChangePage page = workspace.changes(id, Optional.of(cursor), PAGE, WAIT);
      if (!page.watching().equals(watching)) {
        watching = page.watching();
        client.sendEvent("watching", JSON.writeValueAsString(Map.of("watching", watching)));
      }
      if (page.gap()) {
        client.sendEvent(
            "gap",
            JSON.writeValueAsString(
                Map.of(
                    "message",
                    "cursor "
                        + cursor
                        + " is older than what Berth still holds for this session (or from before"
                        + " it was last watched): changes may have been missed; re-read what you"
                        + " depend on")));
      }
      for (Change c : page.changes()) {
        client.sendEvent("change", JSON.writeValueAsString(view(c)), Long.toString(c.cursor()));
      }
      cursor = page.cursor();
      if (page.ended().isPresent()) {
        client.sendEvent("end", JSON.writeValueAsString(Map.of("reason", page.ended().get())));
        return;
      }
      if (page.changes().isEmpty() && !page.gap()) {
        client.sendComment("keep-alive");
      }
    }
  }

  static Map<String, Object> view(Change c) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("cursor", c.cursor());
    v.put("path", c.path());
    v.put("kind", c.kind());
    v.put("by", c.by());
    v.put("at", c.at().toString());
    return v;
  }
}
