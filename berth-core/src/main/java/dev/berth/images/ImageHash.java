package dev.berth.images;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content hash that names an image: {@code <prefix>/<template>:<hash>}. Two builds with the
 * same hash would build the same thing: the same context (Dockerfile included), the same build args
 * and the same images underneath. When a parent image is rebuilt its id changes, so every child's
 * hash changes with it and the child is out of date.
 */
final class ImageHash {
  /** Bump when what goes into the hash changes, so old tags are not mistaken for current ones. */
  private static final String VERSION = "berth-image-1";

  /** Hex characters of the hash used in tags: 48 bits, unique enough within one template. */
  static final int TAG_LENGTH = 12;

  private ImageHash() {}

  /**
   * @param contextDigest {@link ContextArchive}'s digest of the context
   * @param dockerfile the Dockerfile's path in the context
   * @param args the build args given to the build
   * @param dependencyIds template name to the image id of each image this build uses
   */
  static String of(
      String contextDigest,
      String dockerfile,
      Map<String, String> args,
      Map<String, String> dependencyIds) {
    MessageDigest d = ContextArchive.sha256();
    line(d, VERSION);
    line(d, "context " + contextDigest);
    line(d, "dockerfile " + dockerfile);
    new TreeMap<>(args).forEach((k, v) -> line(d, "arg " + k + "=" + v));
    new TreeMap<>(dependencyIds).forEach((k, v) -> line(d, "uses " + k + "=" + v));
    return HexFormat.of().formatHex(d.digest()).substring(0, TAG_LENGTH);
  }

  private static void line(MessageDigest d, String text) {
    d.update((text + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
