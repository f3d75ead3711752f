package dev.berth.service.images;

import dev.berth.images.BuildOptions;
import java.time.Duration;

/**
 * What {@code berth update} does.
 *
 * @param build what to build first
 * @param restartIdle restart idle running sessions that run an outdated image
 * @param idleAfter the idle window of templates that set no {@code idleTimeout}
 */
public record UpdateOptions(BuildOptions build, boolean restartIdle, Duration idleAfter) {}
