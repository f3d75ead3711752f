package dev.berth.images;

import java.time.Duration;
import java.util.List;

/**
 * What happened to one image in a build run.
 *
 * @param reference the content-hash tag, {@code <prefix>/<template>:<hash>} (empty when the run
 *     stopped before the hash was known)
 * @param imageId the image now tagged {@code :latest} for a built or cached image; for a failed one
 *     the previous image, which is kept (empty when there was none)
 * @param failedStep the Dockerfile step that failed, e.g. {@code Step 3/5 : RUN make}
 * @param error the engine's reason for a failure
 * @param logTail the last lines of the build's output, for a failure
 */
public record ImageResult(
    String template,
    String reference,
    String imageId,
    long sizeBytes,
    Duration took,
    Outcome outcome,
    String failedStep,
    String error,
    List<String> logTail) {

  public enum Outcome {
    /** Built in this run. */
    BUILT,
    /** An image with the same content hash was there already ({@code --cache}). */
    CACHED,
    /** The build failed; the previous image is kept. */
    FAILED,
    /** Not built because an image before it in the order failed. */
    SKIPPED
  }

  public ImageResult {
    logTail = List.copyOf(logTail);
  }

  static ImageResult skipped(String template, String previousId) {
    return new ImageResult(
        template, "", previousId, 0, Duration.ZERO, Outcome.SKIPPED, "", "", List.of());
  }
}
