package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.template.ContainerTemplateImage;
import dev.berth.template.Template;
import java.util.List;
import java.util.Optional;

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

  /**
   * What {@link #resolve} would refuse, found without building or pulling anything: a named image
   * that is not on the engine, or a Berth-built one not built yet (Berth's default image is built
   * on demand, so it is never a problem here); then, for {@code nonRoot: true}, a root user.
   */
  List<PreflightProblem> preflight(RuntimeSession s) {
    Template t = s.template();
    var named = t.image().reference().filter(i -> !i.isBlank());
    if (named.isPresent()) {
      if (images.inspect(named.get()).isPresent()) {
        return nonRoot(t, named.get());
      }
      return List.of(
          new PreflightProblem.Unmet(
              "template '"
                  + t.name()
                  + "' runs image '"
                  + named.get()
                  + "', which is not on the Docker engine, and Berth never pulls: load it"
                  + " (docker load, docker pull where a registry is reachable) or build it"
                  + " (docker build -t "
                  + named.get()
                  + " ...), or change the template's 'image'"));
    }
    if (t.image().build().isPresent()) {
      String owner = t.image().build().get().owner();
      String built = images.repository(owner) + ":latest";
      if (images.inspect(built).isEmpty()) {
        return List.of(new PreflightProblem.ImageNotBuilt(owner, built));
      }
      return nonRoot(t, built);
    }
    return nonRoot(t, null); // Berth's default image sets no user
  }

  /**
   * The image an extra container runs when Berth builds it from a template of the family ({@code
   * template:} in {@code containers:}): {@code <prefix>/<owner>:latest}, as for the main container,
   * so a container made now gets the newest build.
   */
  String built(ContainerTemplateImage image) {
    return images.repository(image.build().orElseThrow().owner()) + ":latest";
  }

  /**
   * What stops an extra container's built image, found without building anything: not built yet
   * ({@link PreflightProblem.ImageNotBuilt}, which a create with {@code build} builds first, as for
   * the main image), or a template that has no Dockerfile (one made in code; the loader refuses
   * it).
   */
  Optional<PreflightProblem> preflight(String type, ContainerTemplateImage image) {
    if (image.build().isEmpty()) {
      return Optional.of(
          new PreflightProblem.Unmet(
              "container '"
                  + type
                  + "' runs the image of template '"
                  + image.template()
                  + "', which has no Dockerfile: Berth builds no image for it"));
    }
    String built = built(image);
    if (images.inspect(built).isEmpty()) {
      return Optional.of(new PreflightProblem.ImageNotBuilt(image.build().get().owner(), built));
    }
    return Optional.empty();
  }

  /** {@code nonRoot: true} against the template's user, else the image's (see NonRootUser). */
  private List<PreflightProblem> nonRoot(Template t, String image) {
    if (!t.container().nonRoot()) {
      return List.of();
    }
    String imageUser = image == null ? "" : images.configuredUser(image);
    return NonRootUser.problem(t, imageUser).stream().toList();
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
