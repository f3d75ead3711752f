package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.base.SessionId;
import dev.berth.runtime.ContainerStatus;
import dev.berth.service.SessionContainerOps;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session's containers (a template's {@code containers:} beside the main one): the list, with
 * what each does and where its ports answer, for the session's own token too; starting or stopping
 * one alone, which, like a session's start and stop, is the admin's.
 */
final class ContainerRoutes {
  private final SessionContainerOps containers;

  ContainerRoutes(SessionContainerOps containers) {
    this.containers = containers;
  }

  void register(RoutesConfig r) {
    r.get(
        "/api/v1/sessions/{id}/containers",
        ctx -> ctx.json(views(containers.list(SessionRoutes.id(ctx)))));
    r.post(
        "/api/v1/sessions/{id}/containers/{type}/start",
        ctx -> ctx.json(views(containers.start(adminId(ctx, "start"), ctx.pathParam("type")))));
    r.post(
        "/api/v1/sessions/{id}/containers/{type}/stop",
        ctx -> ctx.json(views(containers.stop(adminId(ctx, "stop"), ctx.pathParam("type")))));
  }

  private static SessionId adminId(Context ctx, String what) {
    SessionId id = SessionRoutes.id(ctx);
    principal(ctx).checkAdmin(what + " of a session's container");
    return id;
  }

  static List<Map<String, Object>> views(List<ContainerStatus> list) {
    return list.stream().map(ContainerRoutes::view).toList();
  }

  static Map<String, Object> view(ContainerStatus c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", c.type());
    out.put("name", c.name());
    out.put("state", c.phase().apiName());
    out.put("exitCode", c.exitCode().isPresent() ? c.exitCode().getAsInt() : null);
    out.put("detail", c.detail());
    Map<String, String> endpoints = new TreeMap<>();
    c.endpoints().forEach((port, uri) -> endpoints.put(Integer.toString(port), uri.toString()));
    out.put("endpoints", endpoints);
    return out;
  }
}
