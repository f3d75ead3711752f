package dev.berth.template;

import java.util.List;
import java.util.Optional;

/**
 * Where a template's sessions may run. Read from {@code backend} and {@code allowedBackends} by
 * {@link PlacementParser}.
 *
 * @param backend the backend sessions of this template use unless a request picks another
 * @param allowedBackends the backends a request may choose for this template's sessions (and a
 *     migration may move them to); empty means any configured backend
 */
public record PlacementSettings(Optional<String> backend, List<String> allowedBackends) {

  /** The installation's default backend; any backend allowed. */
  public static final PlacementSettings DEFAULT =
      new PlacementSettings(Optional.empty(), List.of());

  public PlacementSettings {
    allowedBackends = List.copyOf(allowedBackends);
  }

  /**
   * Whether a request may put a session on {@code backendName}: any backend unless the template
   * lists the ones it allows.
   */
  public boolean allowsBackend(String backendName) {
    return allowedBackends.isEmpty() || allowedBackends.contains(backendName);
  }

  public PlacementSettings withBackend(Optional<String> newBackend) {
    return new PlacementSettings(newBackend, allowedBackends);
  }

  public PlacementSettings withAllowedBackends(List<String> newAllowedBackends) {
    return new PlacementSettings(backend, newAllowedBackends);
  }
}
