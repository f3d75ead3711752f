package dev.berth.template;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a template's image is built: the Dockerfile in the template's folder, that folder as the
 * build context, build args, and components copied into the context for the build. A template
 * without a Dockerfile of its own inherits its parent's build, and so runs the parent's image.
 *
 * @param owner the template whose folder holds the Dockerfile: its image is {@code
 *     <prefix>/<owner>}
 * @param context the build context folder (the owner's folder)
 * @param dockerfile the Dockerfile's path inside {@code context}, with '/' separators
 * @param args build args given to every build of this image
 * @param components context path (relative, '/' separators) to the file or folder copied there
 *     before a build and removed after it, also when the build fails
 * @param network the network the build's steps run on: empty for the engine's default, {@code none}
 *     for a build that must not reach anything (offline builds)
 */
public record ImageBuild(
    String owner,
    Path context,
    String dockerfile,
    Map<String, String> args,
    Map<String, Path> components,
    Optional<String> network) {
  public static final String DEFAULT_DOCKERFILE = "Dockerfile";

  public ImageBuild {
    args = Map.copyOf(args);
    components = Map.copyOf(components);
  }

  public Path dockerfilePath() {
    return context.resolve(dockerfile);
  }

  /** The components sorted by context path, for a stable order of copies and of hashing. */
  public Map<String, Path> sortedComponents() {
    return new TreeMap<>(components);
  }
}
