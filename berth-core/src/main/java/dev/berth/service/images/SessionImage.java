package dev.berth.service.images;

import dev.berth.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Which image a live session runs, and whether its template has a newer one.
 *
 * @param imageId the image the session's container was created from
 * @param currentImageId the image a new session of the template would get now
 * @param idleWindow how long without activity makes this session idle: its template's {@code
 *     idleTimeout}, or the caller's default for templates without one
 */
public record SessionImage(
    String session,
    String template,
    SessionStatus status,
    String imageId,
    String currentImageId,
    Instant lastActivityAt,
    Duration idleWindow) {

  public boolean outdated() {
    return !currentImageId.isEmpty() && !currentImageId.equals(imageId);
  }

  public boolean idleAt(Instant now) {
    return !lastActivityAt.plus(idleWindow).isAfter(now);
  }
}
