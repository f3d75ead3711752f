package dev.berth.runtime.docker;

import dev.berth.runtime.FileEntry;
import java.time.Instant;

/**
 * What the engine's {@code HEAD /containers/{id}/archive} says about one path: an lstat of the
 * path's last component (its parents are followed), and for a symlink the link's fully evaluated
 * target in the container's scope, even when it dangles.
 *
 * @param mode a Go {@code os.FileMode}: permission bits plus type bits in the high bits
 * @param linkTarget absolute path inside the container, empty unless this is a symlink
 */
record PathStat(String name, long size, long mode, Instant modified, String linkTarget) {
  // Type bits of Go's os.FileMode.
  private static final long MODE_DIR = 1L << 31;
  private static final long MODE_SYMLINK = 1L << 27;
  private static final long MODE_NOT_REGULAR =
      MODE_DIR | MODE_SYMLINK | (1L << 26) | (1L << 25) | (1L << 24) | (1L << 21) | (1L << 19);

  boolean isDirectory() {
    return (mode & MODE_DIR) != 0;
  }

  boolean isSymlink() {
    return (mode & MODE_SYMLINK) != 0;
  }

  boolean isFile() {
    return (mode & MODE_NOT_REGULAR) == 0;
  }

  FileEntry.Type type() {
    if (isSymlink()) {
      return FileEntry.Type.SYMLINK;
    }
    if (isDirectory()) {
      return FileEntry.Type.DIRECTORY;
    }
    return isFile() ? FileEntry.Type.FILE : FileEntry.Type.OTHER;
  }

  FileEntry entry(String relativePath) {
    return new FileEntry(relativePath, type(), isFile() ? size : 0, modified);
  }
}
