package dev.berth.images;

import dev.berth.base.BerthException;
import dev.berth.images.ImageEngine.ImageInfo;
import dev.berth.images.ImageResult.Outcome;
import dev.berth.template.ImageBuild;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds template images in dependency order ({@link ImageGraph}), each tagged with its content
 * hash ({@link ImageHash}) and {@code :latest}. A run stops at the first failure: the failed image
 * keeps its previous {@code :latest}, the report says which step failed with the last lines of the
 * output, and the images after it are skipped. One run at a time.
 */
public final class ImageBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(ImageBuilder.class);
  private static final Pattern STEP = Pattern.compile("^Step (\\d+)/(\\d+) : (.*)$");
  static final int LOG_TAIL_LINES = 30;

  /**
   * Label on every image Berth builds (with the engine's own instance label and the {@link
   * BuildRecord}). The content hash is in the tag. Not the labels that mark a session's resources:
   * a container made from the image inherits its labels, and must not look like one of Berth's.
   */
  public static final String LABEL_TEMPLATE = "berth.image";

  private final Supplier<TemplateCatalog> templates;
  private final ImageEngine engine;
  private final Object oneRunAtATime = new Object();
  private final Path tmpDir;

  public ImageBuilder(Supplier<TemplateCatalog> templates, ImageEngine engine) {
    this(templates, engine, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * @param tmpDir where each build's context archive is written (the server's data directory's
   *     {@code tmp}, emptied at start-up, so a killed build leaves no copy of the sources behind)
   */
  public ImageBuilder(Supplier<TemplateCatalog> templates, ImageEngine engine, Path tmpDir) {
    this.templates = templates;
    this.engine = engine;
    this.tmpDir = tmpDir;
  }

  public ImageEngine engine() {
    return engine;
  }

  /** The family graph of the current templates; a 400 naming the templates when it is broken. */
  public ImageGraph graph() {
    return ImageGraph.of(templates.get(), engine.prefix());
  }

  /**
   * What a build of {@code names} would build, in order; checks the names and the families first,
   * so a bad request fails before anything is built.
   */
  public List<String> plan(List<String> names) {
    return plan(templates.get(), names).order();
  }

  private record Plan(ImageGraph graph, List<String> order) {}

  private Plan plan(TemplateCatalog catalog, List<String> names) {
    for (String name : names) {
      Template t = catalog.get(name);
      if (!t.buildsOwnImage()) {
        throw BerthException.badRequest(
            t.image()
                .build()
                .map(
                    b ->
                        "template '"
                            + name
                            + "' has no Dockerfile of its own: it runs the image of template '"
                            + b.owner()
                            + "'; build that one")
                .orElse("template '" + name + "' has no Dockerfile: there is no image to build"));
      }
    }
    ImageGraph graph = ImageGraph.of(catalog, engine.prefix());
    return new Plan(graph, graph.buildOrder(names));
  }

  /** Builds; see the class comment. Never throws for a failed image: the report says so. */
  public BuildReport build(BuildOptions options, BuildListener listener) {
    synchronized (oneRunAtATime) {
      TemplateCatalog catalog = templates.get();
      Plan plan = plan(catalog, options.templates());
      List<String> order = plan.order();
      listener.planned(order);
      Map<String, ImageResult> done = new LinkedHashMap<>();
      boolean failed = false;
      for (int i = 0; i < order.size(); i++) {
        String name = order.get(i);
        Template t = catalog.get(name);
        ImageResult result;
        if (failed) {
          result = ImageResult.skipped(name, latestId(name));
        } else {
          listener.started(name, i + 1, order.size());
          result = buildOne(t, plan.graph(), options, done, listener);
          failed = result.outcome() == Outcome.FAILED;
        }
        done.put(name, result);
        listener.finished(result);
      }
      try {
        engine.removeUntaggedBuilds();
      } catch (RuntimeException e) {
        LOG.warn("could not remove replaced images: {}", e.getMessage());
      }
      return new BuildReport(List.copyOf(done.values()));
    }
  }

  private String latestId(String template) {
    return engine.inspect(engine.repository(template) + ":latest").map(ImageInfo::id).orElse("");
  }

  private ImageResult buildOne(
      Template t,
      ImageGraph graph,
      BuildOptions options,
      Map<String, ImageResult> done,
      BuildListener listener) {
    long started = System.nanoTime();
    String name = t.name();
    ImageBuild build = t.image().build().orElseThrow();
    String repository = engine.repository(name);
    Deque<String> tail = new ArrayDeque<>();
    String[] step = {""};
    String reference = "";
    Path tar = null;
    try (ContextPreparation ignored = ContextPreparation.prepare(build)) {
      // Each image this one uses, by the tag it got in this run (its ancestors always run first).
      Map<String, String> args = new TreeMap<>(build.args());
      Map<String, String> dependencyIds = new TreeMap<>();
      for (String dep : graph.dependenciesOf(name)) {
        ImageResult d = done.get(dep);
        args.put(DockerfileRefs.argName(dep), d.reference());
        dependencyIds.put(dep, d.imageId());
      }
      Files.createDirectories(tmpDir);
      tar = Files.createTempFile(tmpDir, "berth-context-" + name + "-", ".tar");
      String contextDigest;
      try (OutputStream out = Files.newOutputStream(tar)) {
        contextDigest = ContextArchive.write(build.context(), out);
      }
      String hash = ImageHash.of(contextDigest, build.dockerfile(), args, dependencyIds);
      // Read after the preparation, which SourceDigest leaves out: the user's sources only.
      var record = new BuildRecord(SourceDigest.of(build), dependencyIds);
      Map<String, String> labels = new TreeMap<>(record.labels());
      labels.put(LABEL_TEMPLATE, name);
      reference = repository + ":" + hash;
      if (options.cache()) {
        var existing = engine.inspect(reference);
        if (existing.isPresent()) {
          engine.tag(existing.get().id(), repository + ":latest");
          listener.output(name, "up to date: " + reference);
          return result(t, reference, existing.get(), started, Outcome.CACHED);
        }
      }
      if (!options.pull()) {
        requireLocalBases(build);
      }
      var spec =
          new ImageEngine.BuildSpec(
              tar,
              build.dockerfile(),
              Set.of(reference),
              args,
              labels,
              !options.cache(),
              options.pull(),
              build.network());
      String id =
          engine.build(
              spec,
              line -> {
                Matcher m = STEP.matcher(line);
                if (m.matches()) {
                  step[0] = line;
                  listener.step(
                      name, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3));
                }
                tail.addLast(line);
                if (tail.size() > LOG_TAIL_LINES) {
                  tail.removeFirst();
                }
                listener.output(name, line);
              });
      engine.tag(id, repository + ":latest");
      ImageInfo info =
          engine
              .inspect(id)
              .orElseThrow(() -> new IllegalStateException("built " + id + " vanished"));
      LOG.info("built {} ({})", reference, id);
      return result(t, reference, info, started, Outcome.BUILT);
    } catch (RuntimeException | IOException e) {
      String reason = e instanceof UncheckedIOException u ? u.getCause().toString() : message(e);
      LOG.warn("build of template {} failed: {}", name, reason);
      listener.output(name, "build failed: " + reason);
      return new ImageResult(
          name,
          reference,
          latestId(name),
          0,
          since(started),
          Outcome.FAILED,
          step[0],
          reason,
          List.copyOf(tail));
    } finally {
      if (tar != null) {
        try {
          Files.deleteIfExists(tar);
        } catch (IOException e) {
          LOG.warn("cannot remove {}: {}", tar, e.toString());
        }
      }
    }
  }

  /**
   * Without {@code --pull} a base image the engine lacks would make the builder try a registry
   * anyway (Docker's classic builder pulls a missing {@code FROM}), which offline ends in "no such
   * host" after retries; say instead which base is missing and how to get it there.
   */
  private void requireLocalBases(ImageBuild build) throws IOException {
    String dockerfile = Files.readString(build.dockerfilePath());
    for (DockerfileRefs.Base base : DockerfileRefs.externalBases(dockerfile, engine.prefix())) {
      if (engine.inspect(base.image()).isEmpty()) {
        throw new IllegalStateException(
            "base image '"
                + base.image()
                + "' ("
                + build.dockerfile()
                + " line "
                + base.line()
                + ": "
                + base.text()
                + ") is not on this engine, and Berth never pulls: make it there first (for a"
                + " Debian base: debootstrap, then docker import; the template's own comments may"
                + " say how) or docker load it, then build again; --pull fetches it where a"
                + " registry is reachable");
      }
    }
  }

  private static ImageResult result(
      Template t, String reference, ImageInfo info, long started, Outcome outcome) {
    return new ImageResult(
        t.name(),
        reference,
        info.id(),
        info.sizeBytes(),
        since(started),
        outcome,
        "",
        "",
        List.of());
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private static String message(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
