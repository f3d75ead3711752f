package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.Template;

/**
 * Which image a new session container is created from: the template's named image, else the image
 * Berth builds from the template's (or its parent's) Dockerfile, {@code <prefix>/<owner>:latest}
 * (so a new session always gets the newest build), else Berth's default image. Berth never pulls:
 * an image that is not on the engine is a clear error that says how to get it.
 */
final class SessionImages {
  private final DockerImageEngine images;
  private final DefaultImage defaultImage;
  private final DockerProvisioner provisioner;

  SessionImages(
      DockerImageEngine images, DefaultImage defaultImage, DockerProvisioner provisioner) {
    this.images = images;
    this.defaultImage = defaultImage;
    this.provisioner = provisioner;
  }

  /** The image for a session that has none recorded yet. */
  String resolve(RuntimeSession s) {
    Template t = s.template();
    var named = t.image().reference().filter(i -> !i.isBlank());
    if (named.isPresent()) {
      provisioner.requireImage(named.get());
      return named.get();
    }
    if (t.image().build().isPresent()) {
      String owner = t.image().build().get().owner();
      String built = images.repository(owner) + ":latest";
      if (images.inspect(built).isEmpty()) {
        throw BerthException.conflict(
            "template '"
                + t.name()
                + "' runs image "
                + built
                + ", which is not built yet: run 'berth images build "
                + owner
                + "'");
      }
      return built;
    }
    return defaultImage.ensure();
  }

  /**
   * The image a session recorded at its first prepare, for recreating a lost container: Berth's own
   * default image is rebuilt if it was pruned, any other is used as it is.
   */
  String recorded(String reference) {
    return reference.equals(defaultImage.reference()) ? defaultImage.ensure() : reference;
  }
}
