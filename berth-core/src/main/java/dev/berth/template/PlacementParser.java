package dev.berth.template;

import java.util.List;
import java.util.Optional;

/**
 * Reads the {@link PlacementSettings} keys: {@code backend} and {@code allowedBackends}; a
 * template's own {@code backend} must be one of its own {@code allowedBackends}.
 */
final class PlacementParser {
  private PlacementParser() {}

  static Overlay<PlacementSettings> read(TemplateYaml t) {
    var y = t.keys();
    Optional<String> backend = y.string("backend");
    Optional<List<String>> allowed = y.strings("allowedBackends", false);
    backend.ifPresent(
        b ->
            allowed
                .filter(list -> !list.contains(b))
                .ifPresent(
                    list ->
                        t.error(
                            "'backend' " + b + " is not one of its 'allowedBackends' " + list)));
    return base ->
        new PlacementSettings(backend.or(base::backend), allowed.orElse(base.allowedBackends()));
  }
}
