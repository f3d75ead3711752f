package dev.berth.config;

import java.util.List;
import java.util.Map;

/**
 * What the configuration loader needs from one kind of backend: its name, the top-level keys it
 * reads, and the check of their values. Each backend's provider is one (see {@code
 * dev.berth.runtime.provider.BackendProvider}); the loader knows no backend by name.
 */
public interface BackendSettingsParser {
  /**
   * The kind's name: a value {@code backend} takes, the {@code kind} of a named backend, and the
   * name of the backend it makes without named backends. Lower-case, e.g. {@code docker}.
   */
  String kind();

  /**
   * The top-level keys this kind reads (camelCase; each is also read as {@code BERTH_<KEY>} and as
   * a flag), with their defaults as written. Iteration order is the order they are listed in. None
   * by default: a kind without settings of its own.
   */
  default Map<String, String> keys() {
    return Map.of();
  }

  /**
   * Whether {@code backends:} in berth.yaml may hold backends of this kind. False for a kind of
   * which a Berth has exactly one (local), the default.
   */
  default boolean namedBackends() {
    return false;
  }

  /**
   * Checks this kind's values when the configuration loads, adding one error per bad value in the
   * form of {@link BackendSettings#parse}; nothing connects anywhere here. Nothing to check by
   * default.
   */
  default void check(BackendSettings settings, List<String> errors) {}
}
