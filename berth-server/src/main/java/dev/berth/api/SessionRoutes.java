package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.base.SessionId;
import dev.berth.reconcile.SessionLife;
import dev.berth.registry.SessionFilter;
import dev.berth.service.SessionService;
import dev.berth.service.images.FirstUseBuilds;
import dev.berth.session.CreatedSession;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Session lifecycle over REST: create, list, show, stop, start, migrate, delete, events, logs, and
 * a new token.
 */
final class SessionRoutes {
  private final SessionService sessions;
  private final FirstUseBuilds builds;

  SessionRoutes(SessionService sessions, FirstUseBuilds builds) {
    this.sessions = sessions;
    this.builds = builds;
  }

  void register(RoutesConfig r) {
    r.get("/api/v1/sessions", this::list);
    r.post("/api/v1/sessions", this::create);
    r.get("/api/v1/sessions/{id}", this::show);
    r.delete("/api/v1/sessions/{id}", this::delete);
    r.post(
        "/api/v1/sessions/{id}/stop", ctx -> ctx.json(view(sessions.stop(adminId(ctx, "stop")))));
    r.post(
        "/api/v1/sessions/{id}/start",
        ctx -> ctx.json(view(sessions.start(adminId(ctx, "start")))));
    r.post("/api/v1/sessions/{id}/migrate", this::migrate);
    r.get("/api/v1/sessions/{id}/events", this::events);
    r.get("/api/v1/sessions/{id}/logs", this::logs);
    r.post("/api/v1/sessions/{id}/token", this::rotateToken);
  }

  /** The path's session id, after checking the caller may act on it. */
  static SessionId id(Context ctx) {
    SessionId id = SessionId.of(ctx.pathParam("id"));
    principal(ctx).checkAccess(id);
    return id;
  }

  /** Lifecycle changes are the admin's: a session token works inside its session only. */
  private static SessionId adminId(Context ctx, String what) {
    SessionId id = id(ctx);
    principal(ctx).checkAdmin(what + " of a session");
    return id;
  }

  private ApiViews.SessionView view(dev.berth.session.Session s) {
    return ApiViews.SessionView.of(s, SessionLife.of(sessions, s), sessions.definitions().of(s));
  }

  /** For listings: the recorded definitions come from one read, not one per session. */
  private ApiViews.SessionView view(dev.berth.session.Session s, Map<SessionId, String> recorded) {
    return ApiViews.SessionView.of(
        s,
        SessionLife.of(sessions, s),
        sessions.definitions().of(s, recorded.getOrDefault(s.id(), "")));
  }

  private void list(Context ctx) {
    var principal = principal(ctx);
    Optional<SessionStatus> status =
        Optional.ofNullable(ctx.queryParam("status"))
            .map(s -> parseStatus(s.toUpperCase(Locale.ROOT)));
    Map<String, String> labels = new LinkedHashMap<>();
    for (String label : ctx.queryParams("label")) {
      int eq = label.indexOf('=');
      if (eq <= 0) {
        throw dev.berth.base.BerthException.badRequest(
            "label filter '" + label + "' must look like key=value");
      }
      labels.put(label.substring(0, eq), label.substring(eq + 1));
    }
    var filter = new SessionFilter(status, Optional.ofNullable(ctx.queryParam("template")), labels);
    Map<SessionId, String> recorded = sessions.definitions().recorded();
    ctx.json(
        sessions.list(filter).stream()
            .filter(s -> principal.canAccess(s.id()))
            .map(s -> view(s, recorded))
            .toList());
  }

  private static SessionStatus parseStatus(String s) {
    try {
      return SessionStatus.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw dev.berth.base.BerthException.badRequest(
          "unknown status '" + s + "'; one of " + java.util.List.of(SessionStatus.values()));
    }
  }

  private void create(Context ctx) {
    principal(ctx).checkAdmin("creating a session");
    var body = RequestBodies.createSession(RequestBodies.json(ctx, false), Optional.empty());
    FirstUseBuilds.Created done = builds.create(body.request(), body.build());
    CreatedSession created = done.created();
    ctx.status(201)
        .json(
            new ApiViews.CreatedView(
                view(created.session()),
                created.token(),
                created.noToken().orElse(null),
                done.build().map(ImageViews.JobView::of).orElse(null),
                created.session().status() == SessionStatus.FAILED
                    ? ApiViews.failedStart(created.session())
                    : null,
                created.pooled()));
  }

  private void show(Context ctx) {
    ctx.json(view(sessions.get(id(ctx))));
  }

  private void delete(Context ctx) {
    SessionId id = adminId(ctx, "delete");
    writeReceipt(ctx, sessions.delete(id));
  }

  /** 200 with the receipt when cleanup is complete; 500 with it (and an error) when not. */
  static void writeReceipt(Context ctx, SessionCleanupReceipt receipt) {
    if (receipt.complete()) {
      ctx.json(receipt);
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "error",
        new ApiViews.ErrorDetail(
            "cleanup_incomplete",
            receipt.failed().size()
                + " resource(s) could not be removed; see 'failed'. Delete again to retry."));
    body.put("receipt", receipt);
    ctx.status(500).json(body);
  }

  private void migrate(Context ctx) {
    SessionId id = adminId(ctx, "migrating");
    String to = RequestBodies.requiredStrings(RequestBodies.json(ctx, true), "to").get("to");
    var result = sessions.migrate(id, to);
    ctx.json(new ApiViews.MigratedView(view(result.session()), result.sourceCleanup()));
  }

  /**
   * The current session's trail; with {@code ?incarnation=N} that incarnation's: an earlier
   * (deleted) session's trail is the admin's, whatever a later session's token may read.
   */
  private void events(Context ctx) {
    SessionId id = id(ctx);
    long after = RequestBodies.longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) RequestBodies.longParam(ctx, "limit", 200, 1, 1000);
    if (ctx.queryParam("incarnation") == null) {
      ctx.json(EventViews.views(sessions.events(id, after, limit)));
      return;
    }
    int incarnation = (int) RequestBodies.longParam(ctx, "incarnation", 1, 1, Integer.MAX_VALUE);
    if (incarnation != sessions.trails().incarnation(id).orElse(0)) {
      principal(ctx).checkAdmin("reading an earlier session's events");
    }
    ctx.json(EventViews.views(sessions.trails().of(id, incarnation, after, limit)));
  }

  /** The new token, shown once. */
  record TokenView(String session, String token) {}

  /** A new token for the session (admin, or its own token); the old one stops working. */
  private void rotateToken(Context ctx) {
    SessionId id = SessionId.of(ctx.pathParam("id"));
    var principal = principal(ctx);
    principal.checkSelfOrAdmin(id, "rotating the token");
    ctx.status(201).json(new TokenView(id.value(), sessions.rotateToken(id, principal)));
  }

  private void logs(Context ctx) {
    SessionId id = id(ctx);
    int lines =
        (int)
            RequestBodies.longParam(
                ctx, "lines", SessionService.DEFAULT_LOG_LINES, 1, SessionService.MAX_LOG_LINES);
    String container = ctx.queryParam("container");
    String tail =
        container == null || container.isEmpty()
            ? sessions.logTail(id, lines)
            : sessions.containers().logTail(id, container, lines);
    ctx.contentType("text/plain; charset=utf-8").result(tail);
  }
}
