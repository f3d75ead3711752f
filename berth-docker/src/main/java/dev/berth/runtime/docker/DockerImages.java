package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.base.BerthException;
import dev.berth.images.ImageEngine;
import dev.berth.runtime.RuntimeImages;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image side of the Docker backend: its {@link DockerImageEngine}, the image a session's
 * container runs, and renewing a stopped session on its template's current image. A container keeps
 * the image it was created from, so renewing removes the stopped container (never the volume): the
 * next start creates it again from the image as it is now.
 */
final class DockerImages implements RuntimeImages {
  private static final Logger LOG = LoggerFactory.getLogger(DockerImages.class);

  private final DockerImageEngine images;
  private final DockerEngine engine;
  private final DockerProvisioner provisioner;
  private final ContainerUsers users;
  private final Function<RuntimeSession, DockerNames> names;

  DockerImages(
      DockerImageEngine images,
      DockerEngine engine,
      DockerProvisioner provisioner,
      ContainerUsers users,
      Function<RuntimeSession, DockerNames> names) {
    this.images = images;
    this.engine = engine;
    this.provisioner = provisioner;
    this.users = users;
    this.names = names;
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
    return s.state()
        .with(DockerRuntime.KEY_CONTAINER_ID, null)
        .with(DockerRuntime.KEY_IMAGE, null)
        .with(DockerRuntime.KEY_IMAGE_ID, null);
  }
}
