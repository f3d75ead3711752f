package dev.berth.service;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.util.List;

/**
 * A create refused because the template's image is one Berth builds and it is not built yet ({@link
 * ErrorCode#IMAGE_NOT_BUILT}). Carries the templates to build, so an edge can offer the build
 * ({@code "build": true}, {@code berth session create --build}) without parsing the message.
 */
public final class ImageNotBuiltException extends BerthException {
  private final List<String> templates;

  ImageNotBuiltException(String message, List<String> templates) {
    super(ErrorCode.IMAGE_NOT_BUILT, message);
    this.templates = List.copyOf(templates);
  }

  /** The templates whose images to build first (their Dockerfiles' owners), in a stable order. */
  public List<String> templates() {
    return templates;
  }
}
