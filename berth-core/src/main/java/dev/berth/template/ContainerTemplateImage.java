package dev.berth.template;

import java.util.Optional;

/**
 * An extra container's image that Berth builds from a template of the family ({@code template:
 * <name>} in {@code containers:}): the image that template's own sessions run, {@code
 * <prefix>/<owner>:latest}, where the owner is the template whose folder holds the Dockerfile (the
 * named one, or its nearest ancestor with one).
 *
 * @param template the template named, as written
 * @param build how its image is built; filled in by the loader once the whole family is read (empty
 *     only for a template that has no Dockerfile, which {@link TemplateChecks} refuses)
 */
public record ContainerTemplateImage(String template, Optional<ImageBuild> build) {

  /** The template whose Dockerfile builds the image, once resolved. */
  public Optional<String> owner() {
    return build.map(ImageBuild::owner);
  }
}
