package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.base.BerthException;
import dev.berth.config.Units;
import dev.berth.reconcile.OrphanCollector;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operations on the installation as a whole (admin token only). */
final class AdminRoutes {
  private final OrphanCollector orphans;
  private final Duration defaultGrace;

  AdminRoutes(OrphanCollector orphans, Duration defaultGrace) {
    this.orphans = orphans;
    this.defaultGrace = defaultGrace;
  }

  void register(RoutesConfig r) {
    r.post("/api/v1/gc", this::gc);
  }

  /** Orphans: Berth-labelled resources without a live session, older than the grace period. */
  private void gc(Context ctx) {
    principal(ctx).checkAdmin("garbage collection");
    boolean dryRun = RequestBodies.boolParam(ctx, "dryRun", false);
    Duration grace = defaultGrace;
    String raw = ctx.queryParam("grace");
    if (raw != null) {
      try {
        grace = Units.parseDuration(raw);
      } catch (IllegalArgumentException e) {
        throw BerthException.badRequest("query parameter 'grace': " + e.getMessage());
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dryRun", dryRun);
    body.put("graceSeconds", grace.toSeconds());
    body.put("orphans", orphans.collect(grace, dryRun));
    ctx.json(body);
  }
}
