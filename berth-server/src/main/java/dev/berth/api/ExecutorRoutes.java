package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.base.SessionId;
import dev.berth.service.SessionService;
import dev.berth.service.images.FirstUseBuilds;
import dev.berth.session.CreatedSession;
import dev.berth.session.SessionStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The two calls a pipeline executor needs: make a ready session under my id, and remove everything
 * under my id with a receipt. Admin token only.
 */
final class ExecutorRoutes {
  private final SessionService sessions;
  private final FirstUseBuilds builds;

  ExecutorRoutes(SessionService sessions, FirstUseBuilds builds) {
    this.sessions = sessions;
    this.builds = builds;
  }

  void register(RoutesConfig r) {
    r.post("/executor/{id}", this::create);
    r.delete("/executor/{id}", this::delete);
  }

  private void create(Context ctx) {
    principal(ctx).checkAdmin("the executor API");
    SessionId id = SessionId.of(ctx.pathParam("id"));
    var asked = RequestBodies.createSession(RequestBodies.json(ctx, false), Optional.of(id));
    CreatedSession created = builds.create(asked.request(), asked.build()).created();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("session", ApiViews.SessionView.of(created.session()));
    body.put("token", created.token());
    created.noToken().ifPresent(why -> body.put("noToken", why));
    body.put("endpoints", ApiViews.SessionView.of(created.session()).endpoints());
    if (created.session().status() == SessionStatus.FAILED) {
      body.put("error", ApiViews.failedStart(created.session()));
      ctx.status(502).json(body);
      return;
    }
    ctx.status(201).json(body);
  }

  private void delete(Context ctx) {
    principal(ctx).checkAdmin("the executor API");
    SessionRoutes.writeReceipt(ctx, sessions.delete(SessionId.of(ctx.pathParam("id"))));
  }
}
