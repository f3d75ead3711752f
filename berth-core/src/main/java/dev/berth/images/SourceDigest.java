package dev.berth.images;

import dev.berth.template.ImageBuild;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The digest of everything a template contributes to its image: the Dockerfile's path, the build
 * args, the build context's content and each component's content. Computed without touching the
 * context (components are read where they are, not copied in), so {@code images ls} can tell that a
 * template's sources changed since its image was built. Not the content hash of the tag: that one
 * also covers the images it is built on, and needs the prepared context.
 *
 * <p>What a preparation copied into the context (listed in {@link ContextPreparation#MARKER}) is
 * left out, so a look during a build, or after a build that was killed, sees the user's files only.
 * Entries are digested as {@link ContextArchive} does: path, type, executable bit, link target and
 * bytes, in path order; not times or owners.
 */
final class SourceDigest {
  private static final String VERSION = "berth-sources-1";

  private SourceDigest() {}

  static String of(ImageBuild build) throws IOException {
    MessageDigest d = ContextArchive.sha256();
    text(d, VERSION);
    text(d, "dockerfile " + build.dockerfile());
    new TreeMap<>(build.args()).forEach((k, v) -> text(d, "arg " + k + "=" + v));
    Path context = build.context();
    text(d, "context");
    tree(d, context, prepared(context));
    for (Map.Entry<String, Path> c : build.sortedComponents().entrySet()) {
      text(d, "component " + c.getKey());
      Path source = c.getValue();
      if (!Files.exists(source)) {
        text(d, "missing " + source); // a build fails on it; until then it differs from any build
      } else {
        tree(d, source.toRealPath(), Set.of());
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** The paths a preparation made in {@code context}, from its marker. */
  private static Set<Path> prepared(Path context) throws IOException {
    Set<Path> out = new HashSet<>();
    Path marker = context.resolve(ContextPreparation.MARKER);
    out.add(marker);
    if (Files.exists(marker)) {
      for (String line : Files.readAllLines(marker)) {
        if (!line.isBlank()) {
          out.add(context.resolve(line).normalize());
        }
      }
    }
    return out;
  }

  /** Digests {@code root} (a folder, a file or a link) and everything below it. */
  private static void tree(MessageDigest d, Path root, Set<Path> skip) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.filter(p -> skip.stream().noneMatch(p::startsWith)).sorted().toList();
    }
    for (Path p : paths) {
      String name = root.relativize(p).toString().replace('\\', '/');
      if (Files.isSymbolicLink(p)) {
        entry(d, "L", name, Files.readSymbolicLink(p).toString());
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        entry(d, "D", name, "");
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        entry(d, Files.isExecutable(p) ? "X" : "F", name, Long.toString(Files.size(p)));
        try (InputStream in = Files.newInputStream(p)) {
          byte[] buffer = new byte[64 * 1024];
          int n;
          while ((n = in.read(buffer)) > 0) {
            d.update(buffer, 0, n);
          }
        }
      } else {
        entry(d, "?", name, ""); // a build refuses it; the digest just notes it
      }
    }
  }

  private static void entry(MessageDigest d, String type, String name, String extra) {
    d.update((type + "\0" + name + "\0" + extra + "\0").getBytes(StandardCharsets.UTF_8));
  }

  private static void text(MessageDigest d, String line) {
    d.update((line + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
