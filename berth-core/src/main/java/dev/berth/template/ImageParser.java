package dev.berth.template;

import dev.berth.config.StrictObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the {@link ImageSettings} keys: {@code image}, or a Dockerfile in the template's folder
 * with its {@code build} map, never both. An image of its own (named or built here) replaces both
 * of the parent's; without one, the parent's holds.
 */
final class ImageParser {
  private ImageParser() {}

  static Overlay<ImageSettings> read(TemplateYaml t) {
    var y = t.keys();
    Optional<String> reference = y.string("image");
    Optional<ImageBuild> build = build(t, y.object("build"));
    if (build.isPresent() && reference.isPresent()) {
      t.error(
          "give either 'image' (run an existing image) or a Dockerfile (Berth builds the"
              + " image), not both");
    }
    ImageSettings own = new ImageSettings(reference, build);
    boolean ownImage = reference.isPresent() || build.isPresent();
    return base -> ownImage ? own : base;
  }

  /**
   * The template's own image build: present when its folder holds the Dockerfile ({@code
   * build.dockerfile}, default {@code Dockerfile}).
   */
  private static Optional<ImageBuild> build(TemplateYaml t, Optional<StrictObject> yaml) {
    Path folder = t.folder();
    String dockerfile =
        yaml.flatMap(b -> b.string("dockerfile")).orElse(ImageBuild.DEFAULT_DOCKERFILE);
    Map<String, String> args = yaml.flatMap(b -> b.stringMap("args")).orElse(Map.of());
    Map<String, String> components = yaml.flatMap(b -> b.stringMap("components")).orElse(Map.of());
    Optional<String> network = yaml.flatMap(b -> b.string("network"));
    yaml.ifPresent(StrictObject::checkNoUnknownKeys);
    Path file = folder.resolve(dockerfile).normalize();
    if (!file.startsWith(folder) || file.equals(folder)) {
      t.error("'build.dockerfile' must be a file inside the template's folder");
      return Optional.empty();
    }
    if (!Files.isRegularFile(file)) {
      if (yaml.isPresent()) {
        t.error("'build' is set but there is no Dockerfile at " + file);
      }
      return Optional.empty();
    }
    Map<String, Path> parts = new TreeMap<>();
    components.forEach(
        (to, from) -> {
          String target = to.replace('\\', '/');
          Path inside = folder.resolve(target).normalize();
          if (target.isBlank()
              || target.startsWith("/")
              || !inside.startsWith(folder)
              || inside.equals(folder)) {
            t.error(
                "'build.components' key '"
                    + to
                    + "' must be a relative path inside the build context");
          } else if (from.isBlank()) {
            t.error("'build.components." + to + "' needs a source path");
          } else {
            parts.put(
                folder.relativize(inside).toString().replace('\\', '/'),
                folder.resolve(from).normalize());
          }
        });
    return Optional.of(
        new ImageBuild(
            t.name(),
            folder,
            folder.relativize(file).toString().replace('\\', '/'),
            args,
            parts,
            network));
  }
}
