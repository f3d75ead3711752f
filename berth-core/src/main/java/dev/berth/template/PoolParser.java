package dev.berth.template;

import java.util.Optional;

/** Reads {@code pool: {size: N}} ({@link PoolSettings}); never inherited from the parent. */
final class PoolParser {
  private PoolParser() {}

  static Overlay<PoolSettings> read(TemplateYaml t) {
    Optional<PoolSettings> pool =
        t.keys()
            .object("pool")
            .map(
                p -> {
                  boolean written = p.has("size");
                  Optional<Integer> size = p.integer("size", 0, PoolSettings.MAX_SIZE);
                  p.checkNoUnknownKeys();
                  if (!written) {
                    t.error("'pool' needs 'size': how many ready sessions to keep (0 for none)");
                  }
                  return new PoolSettings(size.orElse(0));
                });
    return base -> pool.orElse(PoolSettings.NONE);
  }
}
