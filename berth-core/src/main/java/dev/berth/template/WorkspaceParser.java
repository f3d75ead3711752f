package dev.berth.template;

import dev.berth.config.StrictObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the {@link WorkspaceSettings} keys: {@code workspace} (the mount path), {@code skeleton} (a
 * folder inside the template's folder; {@code skeleton/} when it exists and the key is unset) and
 * {@code volume} (size and storage class, each inherited separately); {@code templateVolume} is
 * read by {@link TemplateVolumeParser}.
 */
final class WorkspaceParser {
  private WorkspaceParser() {}

  static Overlay<WorkspaceSettings> read(TemplateYaml t) {
    var y = t.keys();
    Optional<String> path = y.string("workspace");
    path.filter(p -> !p.startsWith("/"))
        .ifPresent(p -> t.error("'workspace' must be an absolute path (got " + p + ")"));
    Optional<Path> skeleton = skeleton(t, y.string("skeleton"));
    Optional<WorkspaceVolume> volume = y.object("volume").map(v -> volume(t, v));
    Optional<TemplateVolume> templateVolume = TemplateVolumeParser.read(t);
    return base ->
        new WorkspaceSettings(
            path.orElse(base.path()),
            skeleton.or(base::skeleton),
            volume.map(v -> v.orElse(base.volume())).orElse(base.volume()),
            templateVolume.or(base::templateVolume));
  }

  /** The template's own skeleton folder, if it has one; empty inherits the parent's. */
  private static Optional<Path> skeleton(TemplateYaml t, Optional<String> written) {
    Path dir = t.folder().resolve(written.orElse("skeleton")).normalize();
    if (!dir.startsWith(t.folder())) {
      t.error("'skeleton' must be a folder inside the template's folder");
    } else if (Files.isDirectory(dir)) {
      return Optional.of(dir);
    } else if (written.isPresent()) {
      t.error("skeleton folder " + dir + " does not exist");
    }
    return Optional.empty();
  }

  private static WorkspaceVolume volume(TemplateYaml t, StrictObject v) {
    Optional<String> size = v.string("size");
    Optional<String> storageClass = v.string("storageClass");
    v.checkNoUnknownKeys();
    size.filter(q -> !WorkspaceVolume.QUANTITY.matcher(q).matches())
        .ifPresent(
            q -> t.error("'volume.size' must be a size such as 10Gi or 500Mi (got " + q + ")"));
    storageClass
        .filter(c -> !WorkspaceVolume.STORAGE_CLASS.matcher(c).matches())
        .ifPresent(
            c ->
                t.error(
                    "'volume.storageClass' must be a Kubernetes storage class name (got "
                        + c
                        + ")"));
    return new WorkspaceVolume(size, storageClass);
  }
}
