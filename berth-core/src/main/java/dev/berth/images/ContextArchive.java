package dev.berth.images;

import dev.berth.base.BerthException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A build context as the tar the engine receives, and the digest of its content: one walk writes
 * both, so the image's content hash covers exactly what was built. The digest covers each entry's
 * path, type, executable bit, link target and bytes, in path order; not times or owners, which
 * change without changing the image.
 */
final class ContextArchive {
  private ContextArchive() {}

  /** Writes {@code context} as a tar to {@code out}; returns the hex SHA-256 of its content. */
  static String write(Path context, OutputStream out) throws IOException {
    MessageDigest digest = sha256();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(context)) {
      paths =
          walk.filter(p -> !p.equals(context))
              .filter(p -> !context.relativize(p).toString().equals(ContextPreparation.MARKER))
              .sorted()
              .toList();
    }
    try (var tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Path p : paths) {
        String name = context.relativize(p).toString().replace('\\', '/');
        if (Files.isSymbolicLink(p)) {
          String target = Files.readSymbolicLink(p).toString();
          var entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName(target);
          put(tar, entry, p);
          update(digest, "L", name, target);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          var entry = new TarArchiveEntry(name + "/");
          entry.setMode(040755);
          put(tar, entry, p);
          update(digest, "D", name, "");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          boolean exec = Files.isExecutable(p);
          var entry = new TarArchiveEntry(name);
          entry.setMode(exec ? 0100755 : 0100644);
          entry.setSize(Files.size(p));
          put(tar, entry, p);
          update(digest, exec ? "X" : "F", name, Long.toString(Files.size(p)));
          try (InputStream in = Files.newInputStream(p)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
              tar.write(buffer, 0, n);
              digest.update(buffer, 0, n);
            }
          }
          tar.closeArchiveEntry();
        } else {
          throw BerthException.badRequest(
              "the build context "
                  + context
                  + " holds "
                  + p
                  + ", which is not a file, folder"
                  + " or symbolic link; remove it");
        }
      }
      tar.finish();
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void put(TarArchiveOutputStream tar, TarArchiveEntry entry, Path p)
      throws IOException {
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setModTime(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
    tar.putArchiveEntry(entry);
    if (!entry.isFile()) {
      tar.closeArchiveEntry();
    }
  }

  private static void update(MessageDigest digest, String type, String name, String extra) {
    digest.update((type + "\0" + name + "\0" + extra + "\0").getBytes(StandardCharsets.UTF_8));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
