package dev.berth.runtime;

import dev.berth.images.ImageEngine;
import java.util.Optional;

/**
 * The image side of a runtime with {@link Ability#IMAGE_BUILDS}, obtained with {@link
 * SessionRuntime#images()}: building the images its sessions run, and moving a session onto a newer
 * one.
 */
public interface RuntimeImages {

  /** The engine that builds the images this backend's sessions run. */
  ImageEngine engine();

  /**
   * The id of the image the session's container was created from, as recorded in its state (no
   * engine call): how Berth tells which live sessions run an outdated image. Empty for a session
   * not prepared yet.
   */
  Optional<String> imageId(RuntimeSession session);

  /**
   * Makes a stopped session's next {@link SessionRuntime#start} run its template's current image:
   * drops what start would otherwise reuse from the old image (Docker: the stopped container) and
   * keeps the workspace. The caller stops the session first and persists the returned state; {@code
   * CONFLICT} when the session still runs.
   */
  RuntimeState renew(RuntimeSession session);
}
