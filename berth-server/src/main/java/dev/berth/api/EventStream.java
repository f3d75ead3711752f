package dev.berth.api;

import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.service.SessionService;
import dev.berth.session.SessionEvent;
import dev.berth.session.SessionListener;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/events}: every session event (status changes, restarts, culls, cleanup
 * receipts...) as Server-Sent Events, live. Each SSE message has the event's id as its {@code id},
 * its type as its {@code event}, and the event as JSON as its data. A client that reconnects with
 * {@code Last-Event-ID} (or {@code ?after=}) first gets what it missed, from the registry, then the
 * live events, without gaps or repeats. A session token sees its own session's events only; the
 * admin sees all, or one session's with {@code ?session=}. A stream ends when the credential it was
 * opened with stops working: after each {@code token} event (a rotation) it sees, it checks that
 * credential again, so a stream of a rotated-away token ends and one of the new token stays.
 *
 * <p>Each open stream holds a subscriber (a queue of up to {@value #QUEUE_LIMIT} events), so only a
 * request that becomes a stream gets one (a GET that passed every check), one credential holds at
 * most {@value #STREAMS_PER_CREDENTIAL} at a time (the next is refused with 429), and a subscriber
 * goes when its request ends, however it ends: {@code berth_event_streams} counts them.
 */
final class EventStream implements SessionListener {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final int PAGE = 500;
  private static final int QUEUE_LIMIT = 10_000;

  /**
   * Open streams one token or login may hold at once: a dashboard tab or an agent needs one or a
   * few; without a bound, one credential could make the server keep a queue per request forever.
   */
  static final int STREAMS_PER_CREDENTIAL = 16;

  private static final String SUBSCRIBER = "berth.events.subscriber";

  /** The type of the event a token rotation writes (see {@code TokenRotation}). */
  private static final String ROTATED = "token";

  private final SessionService sessions;
  private final ApiAuth auth;
  private final OpenStreams streams;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

  EventStream(SessionService sessions, ApiAuth auth, MeterRegistry meters, OpenStreams streams) {
    this.sessions = sessions;
    this.streams = streams;
    this.auth = auth;
    sessions.addListener(this);
    Gauge.builder("berth.event.streams", subscribers, Set::size)
        .description("Open event streams (GET /api/v1/events), each holding an event queue")
        .register(meters);
  }

  /** How many subscribers there are now (each open stream has one). */
  int subscriberCount() {
    return subscribers.size();
  }

  private static final class Subscriber {
    final Predicate<SessionEvent> wants;
    final LoginProof proof;
    final BlockingQueue<SessionEvent> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    volatile boolean overflowed;

    Subscriber(Predicate<SessionEvent> wants, LoginProof proof) {
      this.wants = wants;
      this.proof = proof;
    }
  }

  @Override
  public void onEvent(SessionEvent event) {
    for (Subscriber s : subscribers) {
      if (s.wants.test(event) && !s.queue.offer(event)) {
        s.overflowed = true; // a client this far behind is dropped; it resumes by Last-Event-ID
      }
    }
  }

  /** Checks the request before the stream starts, so a bad one gets a plain JSON error. */
  void before(io.javalin.http.Context ctx) {
    SseRequests.requireEventStream(ctx, "");
    var subscriber = new Subscriber(filter(ctx), ApiAuth.proof(ctx));
    after(ctx);
    if (ctx.method() != HandlerType.GET) {
      return; // not a stream (a POST gets 405, a HEAD no body): nothing to subscribe
    }
    // Subscribed here, before the stream's headers go out: a client that sees the response start
    // gets every event from then on (and the replay, if it asked, covers what came before).
    synchronized (subscribers) {
      long held = subscribers.stream().filter(s -> s.proof.equals(subscriber.proof)).count();
      if (held >= STREAMS_PER_CREDENTIAL) {
        throw new BerthException(
            ErrorCode.TOO_MANY_REQUESTS,
            "this token already has "
                + held
                + " open event streams, the most one credential may hold at once ("
                + STREAMS_PER_CREDENTIAL
                + "); close one (or share one stream) and try again");
      }
      subscribers.add(subscriber);
    }
    ctx.attribute(SUBSCRIBER, subscriber);
  }

  /**
   * An after-handler: the request is over (the stream ended, or it never started: the client left
   * before its headers were sent, or the handler failed), so its subscriber goes. The stream's own
   * thread removes it too; this covers every way a request can end without reaching it.
   */
  void end(io.javalin.http.Context ctx) {
    Subscriber subscriber = ctx.attribute(SUBSCRIBER);
    if (subscriber != null) {
      subscribers.remove(subscriber);
    }
  }

  void handle(SseClient client) {
    var ctx = client.ctx();
    long after = after(ctx);
    Subscriber subscriber = ctx.attribute(SUBSCRIBER);
    client.keepAlive();
    client.onClose(() -> subscribers.remove(subscriber));
    streams.start(
        client,
        "berth-events-client",
        () -> pump(client, subscriber, after),
        () -> subscribers.remove(subscriber));
  }

  private Predicate<SessionEvent> filter(io.javalin.http.Context ctx) {
    Principal principal = ApiAuth.principal(ctx);
    Optional<SessionId> only = Optional.ofNullable(ctx.queryParam("session")).map(SessionId::of);
    only.ifPresent(principal::checkAccess);
    Predicate<SessionEvent> incarnations = incarnations(principal, only);
    return e ->
        principal.canAccess(e.sessionId())
            && only.map(e.sessionId()::equals).orElse(true)
            && incarnations.test(e);
  }

  /**
   * A session token follows its own session only: never the trail of an earlier session that had
   * its id, nor of a later one (its token is revoked by the delete, but a stream may stay open).
   * {@code ?session=} follows the session that holds the id now and any that take it later; the
   * admin's whole stream has every incarnation (each event says which).
   */
  private Predicate<SessionEvent> incarnations(Principal principal, Optional<SessionId> only) {
    return switch (principal) {
      case Principal.SessionScoped s -> {
        int own = sessions.trails().incarnation(s.sessionId()).orElse(1);
        yield e -> e.incarnation() == own;
      }
      case Principal.Admin a -> {
        int from = only.map(id -> sessions.trails().incarnation(id).orElse(1)).orElse(1);
        yield e -> e.incarnation() >= from;
      }
    };
  }

  /** Where to resume: Last-Event-ID, else ?after=, else -1 (only what happens from now on). */
  private static long after(io.javalin.http.Context ctx) {
    String raw = Optional.ofNullable(ctx.header("Last-Event-ID")).orElse(ctx.queryParam("after"));
    if (raw == null || raw.isBlank()) {
      return -1;
    }
    try {
      long v = Long.parseLong(raw.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw BerthException.badRequest(
          "Last-Event-ID / 'after' must be an event id (a whole number >= 0), got '" + raw + "'");
    }
  }

  private void pump(SseClient client, Subscriber subscriber, long after) throws RuntimeException {
    // Ids grow with each event, but events of different sessions may reach the queue out of id
    // order; so only what the replay already sent is skipped, never by comparing live ids.
    long last = after;
    if (after >= 0) {
      while (true) {
        List<SessionEvent> page = sessions.allEvents(last, PAGE);
        for (SessionEvent e : page) {
          if (subscriber.wants.test(e)) {
            send(client, e);
          }
          last = e.id();
        }
        if (page.size() < PAGE) {
          break;
        }
      }
    } else {
      client.sendComment("connected; events from now on");
    }
    while (!client.terminated() && !subscriber.overflowed) {
      SessionEvent e;
      try {
        e = subscriber.queue.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      if (e == null) {
        client.sendComment("keep-alive");
      } else if (e.id() > last) {
        send(client, e);
        if (e.type().equals(ROTATED) && !auth.stillValid(subscriber.proof)) {
          // Only a session token's stream sees its session's rotation, but the check is the
          // credential itself: a stream opened with the new token, or the admin's, goes on.
          client.sendComment("the token this stream was opened with was rotated: it ends here");
          return;
        }
      }
    }
  }

  private static void send(SseClient client, SessionEvent e) {
    client.sendEvent(e.type(), JSON.writeValueAsString(EventViews.view(e)), Long.toString(e.id()));
  }
}
