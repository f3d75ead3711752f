package dev.berth.images;

import java.util.List;

/**
 * What to build.
 *
 * @param templates the templates named; empty builds every image. Their ancestors are built first
 *     and their descendants after.
 * @param cache reuse an image whose content hash is unchanged, and the engine's layer cache; off by
 *     default, so a build really builds
 * @param pull let the engine look for newer base images (needs a registry)
 */
public record BuildOptions(List<String> templates, boolean cache, boolean pull) {
  public BuildOptions {
    templates = List.copyOf(templates);
  }
}
