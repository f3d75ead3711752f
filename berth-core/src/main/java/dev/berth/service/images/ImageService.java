package dev.berth.service.images;

import dev.berth.base.BerthException;
import dev.berth.base.SessionId;
import dev.berth.images.BuildListener;
import dev.berth.images.BuildOptions;
import dev.berth.images.BuildReport;
import dev.berth.images.ImageBuilder;
import dev.berth.images.ImageEngine;
import dev.berth.images.ImageEngine.ImageInfo;
import dev.berth.images.ImageFreshness;
import dev.berth.images.ImageGraph;
import dev.berth.images.TemplateImage;
import dev.berth.registry.SessionFilter;
import dev.berth.service.SessionService;
import dev.berth.service.images.UpdateReport.Action;
import dev.berth.service.images.UpdateReport.SessionUpdate;
import dev.berth.session.Session;
import dev.berth.session.SessionStatus;
import dev.berth.template.Template;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Template images and the sessions that run them: list the images, tell which live sessions run an
 * outdated one, and update (build, then restart idle outdated sessions on the new image). Builds
 * themselves are {@link ImageBuilder}'s. The edges use this class (through {@link ImageJobs} for
 * the long-running parts).
 */
public final class ImageService {
  private static final Logger LOG = LoggerFactory.getLogger(ImageService.class);

  /** The idle window for sessions whose template sets no {@code idleTimeout}. */
  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);

  private final SessionService sessions;
  private final ImageEngine engine;
  private final ImageBuilder builder;
  private final Clock clock;

  public ImageService(SessionService sessions, ImageEngine engine, Clock clock) {
    this.sessions = sessions;
    this.engine = engine;
    this.builder = new ImageBuilder(sessions::templates, engine, sessions.tmpDir());
    this.clock = clock;
  }

  public ImageBuilder builder() {
    return builder;
  }

  /** Every template image, with how many live sessions run it and how many run an old build. */
  public List<TemplateImage> list() {
    ImageGraph graph = builder.graph();
    List<SessionImage> running = sessionImages(DEFAULT_IDLE);
    Map<String, Optional<ImageInfo>> latestOf = new HashMap<>();
    Function<String, Optional<ImageInfo>> latestImage =
        t -> latestOf.computeIfAbsent(t, n -> engine.inspect(engine.repository(n) + ":latest"));
    List<TemplateImage> out = new ArrayList<>();
    for (String name : graph.buildable()) {
      String repository = engine.repository(name);
      Optional<ImageInfo> latest = latestImage.apply(name);
      String hashTag =
          latest.stream()
              .flatMap(i -> i.tags().stream())
              .filter(t -> t.startsWith(repository + ":") && !t.endsWith(":latest"))
              .findFirst()
              .orElse("");
      List<SessionImage> mine =
          running.stream().filter(s -> owner(s.template()).equals(Optional.of(name))).toList();
      out.add(
          new TemplateImage(
              name,
              List.copyOf(graph.dependenciesOf(name)),
              hashTag,
              latest.map(ImageInfo::id).orElse(""),
              latest.map(ImageInfo::sizeBytes).orElse(0L),
              latest.map(ImageInfo::created).orElse(null),
              mine.size(),
              (int) mine.stream().filter(SessionImage::outdated).count(),
              ImageFreshness.of(sessions.templates().get(name), graph, latestImage)));
    }
    return out;
  }

  /** The template whose built image sessions of {@code template} run, if any. */
  private Optional<String> owner(String template) {
    try {
      return sessions.templates().get(template).image().build().map(b -> b.owner());
    } catch (BerthException e) {
      return Optional.empty();
    }
  }

  /**
   * Every live session on this engine's backend whose image is known, with the image its template
   * would give a new session now.
   *
   * @param defaultIdle the idle window of templates without an {@code idleTimeout}
   */
  public List<SessionImage> sessionImages(Duration defaultIdle) {
    Map<SessionId, String> ids = sessions.imageIds();
    Map<String, String> current = new HashMap<>();
    List<SessionImage> out = new ArrayList<>();
    for (Session s : sessions.list(SessionFilter.ALL_LIVE)) {
      String imageId = ids.get(s.id());
      if (imageId == null || !s.backend().equals(engine.backend())) {
        continue;
      }
      Template t;
      try {
        t = sessions.templates().get(s.template());
      } catch (BerthException gone) {
        continue; // its template was removed: there is no newer image to move to
      }
      Optional<String> reference =
          t.image()
              .reference()
              .filter(i -> !i.isBlank())
              .or(() -> t.image().build().map(b -> engine.repository(b.owner()) + ":latest"));
      String now =
          reference
              .map(
                  r ->
                      current.computeIfAbsent(
                          r, ref -> engine.inspect(ref).map(ImageInfo::id).orElse("")))
              .orElse("");
      Duration window =
          t.lifetime().idleTimeout().isZero() ? defaultIdle : t.lifetime().idleTimeout();
      out.add(
          new SessionImage(
              s.id().value(), s.template(), s.status(), imageId, now, s.lastActivityAt(), window));
    }
    return out;
  }

  /**
   * What an update builds: every image when no template is named; else the named ones, their
   * ancestors, and everything built on those ancestors, so that a parent it rebuilds leaves no
   * sibling on the old parent. Checks the names first (404, 400), as {@link ImageBuilder#plan}.
   */
  public BuildOptions updateBuild(BuildOptions requested) {
    builder.plan(requested.templates());
    if (requested.templates().isEmpty()) {
      return requested;
    }
    ImageGraph graph = builder.graph();
    TreeSet<String> names = new TreeSet<>(requested.templates());
    for (String name : requested.templates()) {
      for (String ancestor : graph.ancestors(name)) {
        names.addAll(graph.descendants(ancestor));
      }
    }
    return new BuildOptions(List.copyOf(names), requested.cache(), requested.pull());
  }

  /**
   * Builds {@link #updateBuild} (with {@code options.build().cache()}, which an update asks for by
   * default: unchanged images are kept, so the sessions on them stay current), then reports every
   * live session that runs an outdated image; with {@code restartIdle}, restarts the running ones
   * that are idle on the new image, keeping their workspaces. Nothing is restarted when the build
   * failed.
   */
  public UpdateReport update(UpdateOptions options, BuildListener listener) {
    BuildReport build = builder.build(updateBuild(options.build()), listener);
    Instant now = clock.instant();
    List<SessionUpdate> updates = new ArrayList<>();
    for (SessionImage s : sessionImages(options.idleAfter())) {
      if (!s.outdated()) {
        continue;
      }
      boolean idle = s.idleAt(now);
      SessionUpdate u;
      if (!options.restartIdle()) {
        u = new SessionUpdate(s, idle, Action.KEPT, "restarts not asked for (--restart-idle)");
      } else if (!build.ok()) {
        u = new SessionUpdate(s, idle, Action.KEPT, "the build failed");
      } else if (s.status() != SessionStatus.RUNNING) {
        u = new SessionUpdate(s, idle, Action.KEPT, "not running (" + s.status() + ")");
      } else if (!idle) {
        u =
            new SessionUpdate(
                s,
                false,
                Action.KEPT,
                "active: last used "
                    + Duration.between(s.lastActivityAt(), now).toSeconds()
                    + "s ago, idle after "
                    + s.idleWindow().toSeconds()
                    + "s");
      } else {
        u = restart(s);
      }
      listener.output("update", describe(u));
      updates.add(u);
    }
    return new UpdateReport(build, updates);
  }

  private SessionUpdate restart(SessionImage s) {
    try {
      Session after = sessions.restartOnNewImage(SessionId.of(s.session()));
      if (after.status() == SessionStatus.RUNNING) {
        return new SessionUpdate(s, true, Action.RESTARTED, "restarted on the new image");
      }
      return new SessionUpdate(
          s,
          true,
          Action.FAILED,
          "restart left it " + after.status() + ": " + after.statusReason());
    } catch (RuntimeException e) {
      LOG.warn("restart of session {} on its new image failed", s.session(), e);
      return new SessionUpdate(s, true, Action.FAILED, String.valueOf(e.getMessage()));
    }
  }

  private static String describe(SessionUpdate u) {
    return "session "
        + u.session().session()
        + " ("
        + u.session().template()
        + ", "
        + u.session().status()
        + "): "
        + u.action()
        + " - "
        + u.detail();
  }
}
