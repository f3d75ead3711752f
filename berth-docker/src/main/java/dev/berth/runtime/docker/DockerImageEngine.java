package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PruneType;
import dev.berth.base.BerthException;
import dev.berth.images.ImageEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Template image builds on the Docker engine, through the Engine API's classic builder ({@code POST
 * /build} with a tar context): progress comes back as "Step n/m" lines. Never pulls unless a build
 * asks for it.
 */
final class DockerImageEngine implements ImageEngine {
  /**
   * Which Berth installation built an image. Deliberately not {@code berth.instance}: containers
   * inherit their image's labels, and that one marks resources Berth owns and may remove.
   */
  static final String IMAGE_INSTANCE = "berth.image.instance";

  private final DockerEngine engine;
  private final String prefix;
  private final String instance;

  DockerImageEngine(DockerEngine engine, String prefix, String instance) {
    this.engine = engine;
    this.prefix = prefix;
    this.instance = instance;
  }

  @Override
  public String backend() {
    return "docker";
  }

  @Override
  public String prefix() {
    return prefix;
  }

  /** The user an image's containers run as ({@code USER}); empty when it sets none. */
  String configuredUser(String reference) {
    try {
      var config = engine.client.inspectImageCmd(reference).exec().getConfig();
      String user = config == null ? null : config.getUser();
      return user == null ? "" : user;
    } catch (RuntimeException e) {
      throw DockerEngine.failure("inspect image " + reference, e);
    }
  }

  @Override
  public Optional<ImageInfo> inspect(String reference) {
    InspectImageResponse image;
    try {
      image = engine.client.inspectImageCmd(reference).exec();
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return Optional.empty();
      }
      throw DockerEngine.failure("inspect image " + reference, e);
    }
    Instant created;
    try {
      created = Instant.parse(image.getCreated());
    } catch (RuntimeException e) {
      created = Instant.EPOCH;
    }
    return Optional.of(
        new ImageInfo(
            image.getId(),
            image.getSize() == null ? 0 : image.getSize(),
            created,
            image.getRepoTags() == null ? List.of() : image.getRepoTags(),
            image.getConfig() == null || image.getConfig().getLabels() == null
                ? Map.of()
                : image.getConfig().getLabels()));
  }

  /**
   * Refuses to touch {@code reference} (a tag or an id) when it names an image another Berth
   * installation built: two installations with one prefix would otherwise take each other's tags
   * (the start-up check in {@link PrefixOwners} catches most; this one holds when both started on
   * an engine that had nothing of either yet).
   */
  private void requireNotAnothers(String reference) {
    inspect(reference)
        .map(i -> i.labels().get(IMAGE_INSTANCE))
        .filter(owner -> !owner.equals(instance))
        .ifPresent(
            owner -> {
              throw BerthException.conflict(
                  "image "
                      + reference
                      + " was built by another Berth installation (instance "
                      + owner
                      + ") with the same prefix '"
                      + prefix
                      + "' on this engine; Berth never re-tags it: give this installation a"
                      + " different prefix (prefix in berth.yaml or BERTH_PREFIX)");
            });
  }

  @Override
  public String build(BuildSpec spec, Consumer<String> output) {
    Map<String, String> labels = new TreeMap<>(spec.labels());
    labels.put(IMAGE_INSTANCE, instance);
    spec.tags().forEach(this::requireNotAnothers);
    var lines = new LineSplitter(output);
    try (InputStream tar = Files.newInputStream(spec.contextTar())) {
      BuildImageCmd cmd =
          engine
              .client
              .buildImageCmd(tar)
              .withDockerfilePath(spec.dockerfile())
              .withTags(spec.tags())
              .withLabels(labels)
              .withNoCache(spec.noCache())
              .withPull(spec.pull())
              .withRemove(true)
              .withForcerm(true);
      spec.args().forEach(cmd::withBuildArg);
      spec.network().ifPresent(cmd::withNetworkMode);
      String id =
          cmd.exec(
                  new BuildImageResultCallback() {
                    @Override
                    public void onNext(BuildResponseItem item) {
                      if (item.getStream() != null) {
                        lines.accept(item.getStream());
                      }
                      if (item.isErrorIndicated()) {
                        lines.flush();
                        String error =
                            item.getErrorDetail() != null
                                    && item.getErrorDetail().getMessage() != null
                                ? item.getErrorDetail().getMessage()
                                : item.getError();
                        output.accept("ERROR: " + error);
                      }
                      super.onNext(item);
                    }
                  })
              .awaitImageId();
      lines.flush();
      return id;
    } catch (IOException e) {
      throw new ImageBuildException("cannot read the build context: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      lines.flush();
      removeQuietly(lines.lastStepImage);
      String reason = DockerEngine.reason(e).replaceFirst("^Could not build image: ", "");
      throw new ImageBuildException(reason, e);
    }
  }

  /**
   * The classic builder keeps the image of every step that worked, also when a later step fails:
   * the last one is left untagged (with its parents). Removed here unless something else uses it (a
   * tag, a container, another image built on it, such as a cached layer), which the engine refuses
   * without force.
   */
  private void removeQuietly(String imageId) {
    if (imageId == null) {
      return;
    }
    try {
      var image = engine.client.inspectImageCmd(imageId).exec();
      if (image.getRepoTags() == null || image.getRepoTags().isEmpty()) {
        engine.client.removeImageCmd(imageId).exec();
      }
    } catch (RuntimeException inUse) {
      // still needed by something: leave it
    }
  }

  @Override
  public void tag(String imageId, String reference) {
    int colon = reference.lastIndexOf(':');
    String repository = reference.substring(0, colon);
    String tag = reference.substring(colon + 1);
    requireNotAnothers(imageId);
    requireNotAnothers(reference);
    try {
      engine.client.tagImageCmd(imageId, repository, tag).withForce(true).exec();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("tag " + imageId + " as " + reference, e);
    }
  }

  @Override
  public void removeUntaggedBuilds() {
    try {
      engine
          .client
          .pruneCmd(PruneType.IMAGES)
          .withDangling(true)
          .withLabelFilter(IMAGE_INSTANCE + "=" + instance)
          .exec();
    } catch (RuntimeException e) {
      throw DockerEngine.failure("remove replaced images", e);
    }
  }

  /** The engine sends output in chunks that need not end at a line break; this makes lines. */
  private static final class LineSplitter {
    private static final Pattern STEP_IMAGE = Pattern.compile("^ ---> ([0-9a-f]{12,64})$");
    private boolean inFromStep;
    private final Consumer<String> output;
    private final StringBuilder partial = new StringBuilder();
    volatile String lastStepImage;

    LineSplitter(Consumer<String> output) {
      this.output = output;
    }

    synchronized void accept(String chunk) {
      partial.append(chunk);
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        String line = partial.substring(0, nl).stripTrailing();
        partial.delete(0, nl + 1);
        if (!line.isBlank()) {
          if (line.startsWith("Step ")) {
            // A FROM step's image is the base (another template's, or a base image): never ours.
            inFromStep = line.matches("^Step \\d+/\\d+ : (?i:FROM) .*");
          }
          Matcher m = STEP_IMAGE.matcher(line);
          if (m.matches() && !inFromStep) {
            lastStepImage = m.group(1);
          }
          output.accept(line);
        }
      }
    }

    synchronized void flush() {
      if (!partial.toString().isBlank()) {
        output.accept(partial.toString().stripTrailing());
      }
      partial.setLength(0);
    }
  }
}
