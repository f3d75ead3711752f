package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.config.StrictObject;
import dev.berth.images.BuildOptions;
import dev.berth.service.images.ImageJobs;
import dev.berth.service.images.ImageService;
import dev.berth.service.images.UpdateOptions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Template images over REST (admin only): list them, build them and update sessions as jobs whose
 * status and log the caller follows. Without a backend that builds images (no Docker engine) every
 * route answers 501 and says so.
 */
final class ImageRoutes {
  private final ImageJobs jobs;

  /** {@code jobs} is null when no backend builds images. */
  ImageRoutes(ImageJobs jobs) {
    this.jobs = jobs;
  }

  void register(RoutesConfig r) {
    r.get("/api/v1/images", this::list);
    r.post("/api/v1/images/builds", this::build);
    r.get("/api/v1/images/builds", this::jobs);
    r.get("/api/v1/images/builds/{job}", this::job);
    r.post("/api/v1/update", this::update);
  }

  private ImageJobs jobs(Context ctx, String what) {
    principal(ctx).checkAdmin(what);
    if (jobs == null) {
      throw new BerthException(
          ErrorCode.UNSUPPORTED,
          "image builds need a backend that runs images (Docker); this Berth has none: start a"
              + " Docker engine and restart Berth");
    }
    return jobs;
  }

  private void list(Context ctx) {
    ctx.json(
        jobs(ctx, "listing images").images().list().stream()
            .map(ImageViews.TemplateImageView::of)
            .toList());
  }

  private void build(Context ctx) {
    ImageJobs j = jobs(ctx, "image builds");
    BuildOptions options =
        buildOptions(RequestBodies.json(ctx, false), false, List.of(), new ArrayList<>());
    ctx.status(202).json(ImageViews.JobView.of(j.build(options)));
  }

  private void update(Context ctx) {
    ImageJobs j = jobs(ctx, "update");
    List<String> errors = new ArrayList<>();
    JsonNode body = RequestBodies.json(ctx, false);
    var o = RequestBodies.fields(body, errors);
    boolean restartIdle = o.bool("restartIdle").orElse(false);
    Duration idleAfter = o.duration("idleAfter").orElse(ImageService.DEFAULT_IDLE);
    // An update keeps what is unchanged: with the cache unless the caller says otherwise.
    BuildOptions build = buildOptions(body, true, List.of("restartIdle", "idleAfter"), errors);
    ctx.status(202)
        .json(ImageViews.JobView.of(j.update(new UpdateOptions(build, restartIdle, idleAfter))));
  }

  /**
   * Reads {@code templates}, {@code cache} (default {@code cacheByDefault}) and {@code pull};
   * {@code extra} keys are read elsewhere.
   */
  private static BuildOptions buildOptions(
      JsonNode body, boolean cacheByDefault, List<String> extra, List<String> errors) {
    var o = RequestBodies.fields(body, errors);
    List<String> templates = o.strings("templates", true).orElse(List.of());
    boolean cache = o.bool("cache").orElse(cacheByDefault);
    boolean pull = o.bool("pull").orElse(false);
    extra.forEach(o::has);
    o.checkNoUnknownKeys();
    StrictObject.throwIfErrors("invalid request", errors);
    return new BuildOptions(templates, cache, pull);
  }

  private void jobs(Context ctx) {
    ctx.json(jobs(ctx, "image builds").list().stream().map(ImageViews.JobView::of).toList());
  }

  private void job(Context ctx) {
    ImageJobs j = jobs(ctx, "image builds");
    long after = 0;
    String raw = ctx.queryParam("logAfter");
    if (raw != null) {
      try {
        after = Long.parseLong(raw);
      } catch (NumberFormatException e) {
        throw BerthException.badRequest("query parameter 'logAfter' must be a line number");
      }
    }
    ctx.json(ImageViews.JobView.of(j.get(ctx.pathParam("job"), after)));
  }
}
