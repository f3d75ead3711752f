package dev.berth.template;

import java.nio.file.Path;

/**
 * A template's read-only volume: the files of one folder of the template, copied once into a volume
 * of their own and mounted read-only at {@code path} into every session of the template (data sets,
 * plug-ins, reference files that every session reads and none may change). Read from {@code
 * templateVolume: {path: /template, from: files/}} by {@link TemplateVolumeParser}; inherited by
 * child templates like every key. Which copy a session gets is decided by the folder's content
 * ({@link TemplateVolumeContent}): a change of the files makes a new copy for new sessions, while
 * sessions made on the old one keep it.
 *
 * @param path where sessions see the files, an absolute path apart from the workspace
 * @param from the folder the files come from, inside the template's folder (absolute, normalized)
 */
public record TemplateVolume(String path, Path from) {
  public TemplateVolume {
    if (path == null || !path.startsWith("/") || path.equals("/")) {
      throw new IllegalArgumentException("templateVolume.path must be an absolute path below /");
    }
    from = from.toAbsolutePath().normalize();
  }
}
