package dev.berth.template;

import dev.berth.config.StrictObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads {@code templateVolume: {path: /template, from: files/}} into a {@link TemplateVolume}; both
 * keys are required. Unset, the parent's is inherited. Whether {@code path} keeps clear of the
 * workspace is a rule of the template as a whole (a child may move the workspace), checked by
 * {@link #problems} after inheritance.
 */
final class TemplateVolumeParser {
  static final String KEY = "templateVolume";

  private TemplateVolumeParser() {}

  /** The template's own template volume; empty when the key is unset or wrong (an error then). */
  static Optional<TemplateVolume> read(TemplateYaml t) {
    Optional<StrictObject> written = t.keys().object(KEY);
    if (written.isEmpty()) {
      return Optional.empty(); // unset, or not a mapping (which StrictObject reports)
    }
    StrictObject v = written.get();
    Optional<String> path = v.string("path");
    Optional<String> from = v.string("from");
    v.checkNoUnknownKeys();
    int before = t.errors().size();
    if (path.isEmpty()) {
      t.error("'" + KEY + ".path' is required: where sessions see the files, e.g. /template");
    } else {
      checkPath(t, path.get());
    }
    Optional<Path> folder = Optional.empty();
    if (from.isEmpty()) {
      t.error("'" + KEY + ".from' is required: a folder inside the template's folder, e.g. files/");
    } else {
      folder = folder(t, from.get());
    }
    if (t.errors().size() > before || folder.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TemplateVolume(normalized(path.get()), folder.get()));
  }

  private static void checkPath(TemplateYaml t, String path) {
    if (!path.startsWith("/")) {
      t.error("'" + KEY + ".path' must be an absolute path (got " + path + ")");
    } else if (normalized(path).equals("/")) {
      t.error("'" + KEY + ".path' must be a folder below /, not / itself");
    } else if (hasDotDot(path)) {
      t.error("'" + KEY + ".path' must not contain '..' (got " + path + ")");
    }
  }

  private static Optional<Path> folder(TemplateYaml t, String from) {
    if (from.startsWith("/")) {
      t.error(
          "'"
              + KEY
              + ".from' must be a folder relative to the template's folder, not an absolute path"
              + " (got "
              + from
              + ")");
      return Optional.empty();
    }
    if (hasDotDot(from)) {
      t.error(
          "'"
              + KEY
              + ".from' must not contain '..': the files must be inside the template's folder"
              + " (got "
              + from
              + ")");
      return Optional.empty();
    }
    Path folder = t.folder().toAbsolutePath().normalize();
    Path dir = folder.resolve(from).normalize();
    if (dir.equals(folder) || !dir.startsWith(folder)) {
      t.error(
          "'"
              + KEY
              + ".from' must be a folder inside the template's folder, not the folder itself (got "
              + from
              + ")");
      return Optional.empty();
    }
    if (!Files.isDirectory(dir)) {
      t.error("'" + KEY + ".from' folder " + dir + " does not exist");
      return Optional.empty();
    }
    return Optional.of(dir);
  }

  private static boolean hasDotDot(String path) {
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** {@code /template/} and {@code //template} are {@code /template}. */
  static String normalized(String path) {
    String p = path.replaceAll("/+", "/");
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /**
   * After inheritance: the template volume's mount keeps clear of the workspace (the same path, or
   * one inside the other, would hide files or make part of the workspace read-only).
   */
  static Optional<String> problem(Template t) {
    return t.workspace()
        .templateVolume()
        .filter(v -> overlaps(v.path(), normalized(t.workspace().path())))
        .map(
            v ->
                "template '"
                    + t.name()
                    + "': "
                    + KEY
                    + ".path "
                    + v.path()
                    + (v.path().equals(normalized(t.workspace().path()))
                        ? " is the workspace path"
                        : " and the workspace " + t.workspace().path() + " are inside each other")
                    + "; mount the template volume elsewhere, e.g. /template");
  }

  private static boolean overlaps(String a, String b) {
    String x = a.endsWith("/") ? a : a + "/";
    String y = b.endsWith("/") ? b : b + "/";
    return x.startsWith(y) || y.startsWith(x);
  }
}
