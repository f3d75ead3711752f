package dev.berth.template;

import java.util.Optional;

/**
 * Which image a template's sessions run on container backends: an existing image named by
 * reference, or one Berth builds from a Dockerfile (this template's or its parent's), or neither
 * (the backend's default image). The two exclude each other in one template.yaml; a template that
 * sets either replaces both of its parent's. Read from {@code image} and {@code build} (plus the
 * Dockerfile in the folder) by {@link ImageParser}.
 *
 * @param reference the image to run, as the engine names it; empty means Berth's default
 * @param build how the image is built (its own Dockerfile or its parent's); empty when it runs
 *     {@code reference} or the backend's default image
 */
public record ImageSettings(Optional<String> reference, Optional<ImageBuild> build) {

  /** The backend's default image. */
  public static final ImageSettings DEFAULT = new ImageSettings(Optional.empty(), Optional.empty());

  public ImageSettings withReference(Optional<String> newReference) {
    return new ImageSettings(newReference, build);
  }

  public ImageSettings withBuild(Optional<ImageBuild> newBuild) {
    return new ImageSettings(reference, newBuild);
  }
}
