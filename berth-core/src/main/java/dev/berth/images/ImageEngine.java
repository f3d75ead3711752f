package dev.berth.images;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What Berth needs from a container engine to build template images (the Docker runtime offers
 * one). Image names are the engine's: {@link #repository} says where a template's images go.
 */
public interface ImageEngine {

  /** The backend whose sessions run these images, e.g. {@code docker}. */
  String backend();

  /** The first part of every image name, Berth's resource prefix. */
  String prefix();

  /** Where a template's images are tagged: {@code <prefix>/<template>}. */
  default String repository(String template) {
    return prefix() + "/" + template;
  }

  /** The image {@code reference} (a tag or an id) names, when the engine has it. */
  Optional<ImageInfo> inspect(String reference);

  /**
   * Builds an image and tags it with {@code spec.tags()}; nothing is tagged when the build fails.
   *
   * @param output gets every line of the engine's build output as it comes
   * @return the new image's id
   * @throws ImageBuildException when the build fails, with the engine's reason
   * @throws dev.berth.base.BerthException CONFLICT, before building, when one of the tags names an
   *     image another Berth installation built (same prefix on one engine)
   */
  String build(BuildSpec spec, Consumer<String> output);

  /**
   * Points {@code reference} (repository:tag) at the image {@code imageId}.
   *
   * @throws dev.berth.base.BerthException CONFLICT when the image, or the image {@code reference}
   *     names now, was built by another Berth installation: its tags are never moved
   */
  void tag(String imageId, String reference);

  /**
   * Removes images this Berth built that a newer build left without any tag, unless a container
   * still uses them (an outdated session keeps its image until it moves).
   */
  default void removeUntaggedBuilds() {}

  /**
   * An image on the engine.
   *
   * @param id the engine's image id ({@code sha256:...})
   * @param sizeBytes its size with all layers
   * @param tags every repository:tag that names it
   * @param labels the image's labels, {@link BuildRecord}'s among them for an image Berth built
   */
  record ImageInfo(
      String id, long sizeBytes, Instant created, List<String> tags, Map<String, String> labels) {
    public ImageInfo {
      tags = List.copyOf(tags);
      labels = Map.copyOf(labels);
    }
  }

  /**
   * One build.
   *
   * @param contextTar the build context as a tar file
   * @param dockerfile the Dockerfile's path inside the context
   * @param noCache build every step again instead of reusing the engine's layer cache
   * @param pull look for newer versions of the base images (needs a registry)
   * @param network the network the steps run on; empty: the engine's default
   */
  record BuildSpec(
      Path contextTar,
      String dockerfile,
      Set<String> tags,
      Map<String, String> args,
      Map<String, String> labels,
      boolean noCache,
      boolean pull,
      Optional<String> network) {
    public BuildSpec {
      tags = Set.copyOf(tags);
      args = Map.copyOf(args);
      labels = Map.copyOf(labels);
    }
  }

  /** A build the engine ran and that failed (a step returned non-zero, a file was missing...). */
  final class ImageBuildException extends RuntimeException {
    public ImageBuildException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
