package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.service.SessionService;
import dev.berth.service.images.FirstUseBuilds;
import dev.berth.session.CreatedSession;
import dev.berth.session.SessionStatus;
import dev.berth.template.ContainerStart;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two calls a pipeline executor needs: make a ready session under my id (with {@code
 * containers}, the template's containers to start for this run: its {@code manual} ones are started
 * once the session is RUNNING, in start order), and remove everything under my id with a receipt.
 * Admin token only. The step itself runs through the session's own exec ({@code POST
 * /api/v1/sessions/{id}/exec}, with {@code "stream": true} for its output as it comes), with the
 * token the create answered or the admin's: no second API.
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
    JsonNode json = RequestBodies.json(ctx, false);
    List<String> wanted = containersOf(json);
    var asked = RequestBodies.createSession(json, Optional.of(id));
    List<SessionContainer> toStart = toStart(asked.request().template(), wanted);
    CreatedSession created = builds.create(asked.request(), asked.build()).created();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("session", ApiViews.SessionView.of(created.session()));
    body.put("token", created.token());
    created.noToken().ifPresent(why -> body.put("noToken", why));
    body.put("pooled", created.pooled());
    body.put("endpoints", ApiViews.SessionView.of(created.session()).endpoints());
    if (created.session().status() == SessionStatus.FAILED) {
      body.put("error", ApiViews.failedStart(created.session()));
      ctx.status(502).json(body);
      return;
    }
    if (created.session().status() == SessionStatus.RUNNING && !wanted.isEmpty()) {
      for (SessionContainer c : toStart) {
        try {
          sessions.containers().start(id, c.type());
        } catch (BerthException e) {
          // The session stays, as made: the executor sees which container and deletes the run.
          body.put("error", "container '" + c.type() + "' did not start: " + e.getMessage());
          body.put("containers", ContainerRoutes.views(sessions.containers().list(id)));
          ctx.status(502).json(body);
          return;
        }
      }
      body.put("containers", ContainerRoutes.views(sessions.containers().list(id)));
    }
    ctx.status(201).json(body);
  }

  /**
   * The body's {@code containers}: the types to start for this run, removed from the body (the
   * session's own keys are checked apart). Absent: the template's {@code auto} ones only.
   */
  private static List<String> containersOf(JsonNode json) {
    if (!(json instanceof ObjectNode o) || !o.has("containers")) {
      return List.of();
    }
    JsonNode list = o.remove("containers");
    List<String> out = new ArrayList<>();
    if (list.isArray()) {
      list.forEach(n -> out.add(n.isString() ? n.asString() : ""));
    }
    if (!list.isArray() || out.isEmpty() || out.contains("")) {
      throw BerthException.badRequest(
          "request body: 'containers' must be a non-empty list of the template's container types,"
              + " like [\"processor\", \"merger\"]");
    }
    return out;
  }

  /**
   * The listed containers that do not start with the session ({@code manual} ones), in the
   * template's start order; BAD_REQUEST naming the declared types, before anything is made, when
   * one is not declared.
   */
  private List<SessionContainer> toStart(Optional<String> templateName, List<String> wanted) {
    if (wanted.isEmpty()) {
      return List.of();
    }
    if (templateName.isEmpty()) {
      throw BerthException.badRequest(
          "request body: 'containers' needs a 'template' that declares them");
    }
    Optional<Template> template = sessions.templates().find(templateName.get());
    if (template.isEmpty()) {
      return List.of(); // the create says the template does not exist
    }
    var declared = template.get().containers();
    List<String> unknown =
        wanted.stream()
            .filter(t -> !t.equals(SessionContainer.MAIN) && declared.get(t).isEmpty())
            .toList();
    if (!unknown.isEmpty()) {
      throw BerthException.badRequest(
          "request body: 'containers' names "
              + unknown
              + ", which template '"
              + templateName.get()
              + "' does not declare; its containers: "
              + (declared.isEmpty() ? "none beside the main one" : declared.types())
              + ". Nothing was made.");
    }
    return declared.inStartOrder().stream()
        .filter(c -> wanted.contains(c.type()) && c.start() == ContainerStart.MANUAL)
        .toList();
  }

  private void delete(Context ctx) {
    principal(ctx).checkAdmin("the executor API");
    SessionRoutes.writeReceipt(ctx, sessions.delete(SessionId.of(ctx.pathParam("id"))));
  }
}
