package dev.berth.runtime;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link SessionRuntime#start} answers, in one call: everything the caller persists and shows
 * after a start, so that a create does not go back to the backend for each piece.
 *
 * @param state the runtime state to persist (container ids, process ids, host ports...)
 * @param endpoints declared app ports and where they answer now; empty for a session without ports
 * @param imageId the image the session runs, where the backend records one (Docker); else empty
 */
public record StartResult(
    RuntimeState state, Map<Integer, URI> endpoints, Optional<String> imageId) {
  public StartResult {
    endpoints = Map.copyOf(endpoints);
  }

  /** A start on a backend without images. */
  public static StartResult of(RuntimeState state, Map<Integer, URI> endpoints) {
    return new StartResult(state, endpoints, Optional.empty());
  }
}
