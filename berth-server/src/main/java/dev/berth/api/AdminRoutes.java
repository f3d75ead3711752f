package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.base.BerthException;
import dev.berth.config.Units;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.reconcile.TemplateVolumeCollector;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operations on the installation as a whole (admin token only). */
final class AdminRoutes {
  private final OrphanCollector orphans;
  private final TemplateVolumeCollector templateVolumes;
  private final Duration defaultGrace;

  AdminRoutes(
      OrphanCollector orphans, TemplateVolumeCollector templateVolumes, Duration defaultGrace) {
    this.orphans = orphans;
    this.templateVolumes = templateVolumes;
    this.defaultGrace = defaultGrace;
  }

  void register(RoutesConfig r) {
    r.post("/api/v1/gc", this::gc);
    r.get("/api/v1/template-volumes", this::templateVolumes);
  }

  /**
   * Every backend's template volumes, whether the template's files are still these, who mounts
   * them.
   */
  private void templateVolumes(Context ctx) {
    principal(ctx).checkAdmin("listing template volumes");
    ctx.json(templateVolumes.list().stream().map(TemplateVolumeViews::of).toList());
  }

  /**
   * Orphans: Berth-labelled resources without a live session, older than the grace period; and the
   * template volumes nothing needs, older than it too.
   */
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
    // Template volumes belong to no session: those no template and no session needs any more.
    body.put(
        "templateVolumes",
        templateVolumes.collect(grace, dryRun).stream().map(TemplateVolumeViews::of).toList());
    ctx.json(body);
  }
}
