package dev.berth.images;

import java.time.Instant;
import java.util.List;

/**
 * A template image as {@code berth images ls} shows it.
 *
 * @param uses the template images it is built on
 * @param reference its content-hash tag, empty when it was never built
 * @param imageId what {@code :latest} names now, empty when it was never built
 * @param sessions live sessions of templates that run this image
 * @param outdatedSessions those among them that run an older build
 * @param freshness whether the image is what a build would make now, and if not why
 */
public record TemplateImage(
    String template,
    List<String> uses,
    String reference,
    String imageId,
    long sizeBytes,
    Instant built,
    int sessions,
    int outdatedSessions,
    ImageFreshness freshness) {
  public TemplateImage {
    uses = List.copyOf(uses);
  }
}
