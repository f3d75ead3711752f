package dev.berth.runtime;

import java.time.Instant;

/**
 * Parses what {@code stat -c '%f %s %Y'} (busybox and coreutils alike) prints for a path: the raw
 * mode in hex, the size, the modification time in epoch seconds. Backends that list and stat
 * through commands in the session share it.
 */
public final class StatLine {
  private static final int TYPE_BITS = 0170000;
  private static final int REGULAR = 0100000;
  private static final int DIRECTORY = 0040000;
  private static final int SYMLINK = 0120000;

  private StatLine() {}

  /**
   * The entry for {@code path} from a line {@code "<hex mode> <size> <mtime>"} (more fields after
   * those are ignored); a size is reported for files only.
   *
   * @throws NumberFormatException for a line not in that format, e.g. {@code "1 2"}
   */
  public static FileEntry parse(String line, String path) {
    String[] f = line.strip().split(" ");
    if (f.length < 3) {
      throw new NumberFormatException("not a '%f %s %Y' stat line: '" + line + "'");
    }
    return entry(f[0], f[1], f[2], path);
  }

  /** The entry from the three fields of a stat line already split. */
  public static FileEntry entry(String hexMode, String size, String mtime, String path) {
    FileEntry.Type type = type(Integer.parseInt(hexMode, 16));
    return new FileEntry(
        path,
        type,
        type == FileEntry.Type.FILE ? Long.parseLong(size) : 0,
        Instant.ofEpochSecond(Long.parseLong(mtime)));
  }

  /** The type of a raw {@code st_mode}. */
  public static FileEntry.Type type(int mode) {
    return switch (mode & TYPE_BITS) {
      case REGULAR -> FileEntry.Type.FILE;
      case DIRECTORY -> FileEntry.Type.DIRECTORY;
      case SYMLINK -> FileEntry.Type.SYMLINK;
      default -> FileEntry.Type.OTHER;
    };
  }
}
