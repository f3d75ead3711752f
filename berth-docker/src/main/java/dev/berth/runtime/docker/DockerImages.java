package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.base.BerthException;
import dev.berth.images.ImageEngine;
import dev.berth.runtime.RuntimeImages;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image side of the Docker backend: its {@link DockerImageEngine}, the image a session's
 * container runs, and renewing a stopped session on its template's current image. A container keeps
 * the image it was created from, so renewing removes the stopped container, and the session's
 * stopped extra containers (never the volume): the next start creates them again from the images as
 * they are now.
 */
final class DockerImages implements RuntimeImages {
  private static final Logger LOG = LoggerFactory.getLogger(DockerImages.class);

  private final DockerImageEngine images;
  private final DockerEngine engine;
  private final DockerProvisioner provisioner;
  private final ContainerUsers users;
  private final Function<RuntimeSession, DockerNames> names;
  private final Function<RuntimeSession, List<String>> extraContainers;

  /**
   * @param extraContainers the names of a session's extra containers ({@code containers:})
   */
  DockerImages(
      DockerImageEngine images,
      DockerEngine engine,
      DockerProvisioner provisioner,
      ContainerUsers users,
      Function<RuntimeSession, DockerNames> names,
      Function<RuntimeSession, List<String>> extraContainers) {
    this.images = images;
    this.engine = engine;
    this.provisioner = provisioner;
    this.users = users;
    this.names = names;
    this.extraContainers = extraContainers;
  }

  @Override
  public ImageEngine engine() {
    return images;
  }

  @Override
  public Optional<String> imageId(RuntimeSession s) {
    return Optional.ofNullable(s.state().get(DockerRuntime.KEY_IMAGE_ID));
  }

  @Override
  public RuntimeState renew(RuntimeSession s) {
    DockerNames n = names.apply(s);
    Optional<InspectContainerResponse> found = provisioner.find(n.container());
    if (found.isPresent()) {
      if (Boolean.TRUE.equals(found.get().getState().getRunning())) {
        throw BerthException.conflict("session '" + s.id() + "' is running; stop it to renew it");
      }
      try {
        engine.client.removeContainerCmd(found.get().getId()).withRemoveVolumes(false).exec();
      } catch (RuntimeException e) {
        if (!DockerEngine.isNotFound(e)) {
          throw DockerEngine.failure("remove container " + n.container(), e);
        }
      }
      users.forget(found.get().getId());
      LOG.info("session {}: removed container {} to renew its image", s.id(), n.container());
    }
    // The extra containers too: each keeps the image it was made from, like the main one, so the
    // session's containers move to their templates' newest builds together at the next start.
    for (String extra : extraContainers.apply(s)) {
      provisioner
          .find(extra)
          .filter(c -> !Boolean.TRUE.equals(c.getState().getRunning()))
          .ifPresent(c -> remove(s, c.getId(), extra));
    }
    return s.state()
        .with(DockerRuntime.KEY_CONTAINER_ID, null)
        .with(DockerRuntime.KEY_IMAGE, null)
        .with(DockerRuntime.KEY_IMAGE_ID, null);
  }

  private void remove(RuntimeSession s, String id, String name) {
    try {
      engine.client.removeContainerCmd(id).withRemoveVolumes(false).exec();
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        throw DockerEngine.failure("remove container " + name, e);
      }
    }
    LOG.info("session {}: removed container {} to renew its image", s.id(), name);
  }
}
