package dev.berth.runtime;

import dev.berth.base.BerthException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/** The rules for tar entries that every backend applies in the same way. */
public final class TarEntries {
  /** What a caller's archive may contain. */
  public enum Kind {
    DIRECTORY,
    SYMLINK,
    FILE
  }

  private TarEntries() {}

  /**
   * What an entry of a caller's archive is; a hard link or a special file (device, fifo, anything
   * else) is refused with {@code BAD_REQUEST}. Hard links and specials are asked about first:
   * commons-compress counts them as files too, and they must never become (empty) files.
   */
  public static Kind kindOf(TarArchiveEntry entry) {
    if (entry.isLink() || entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      throw refused(entry.getName());
    }
    if (entry.isDirectory()) {
      return Kind.DIRECTORY;
    }
    if (entry.isSymbolicLink()) {
      return Kind.SYMLINK;
    }
    if (entry.isFile()) {
      return Kind.FILE;
    }
    throw refused(entry.getName());
  }

  private static BerthException refused(String name) {
    return BerthException.badRequest(
        "archive entry '" + name + "' is a hard link or special file; not supported");
  }

  /**
   * The name an entry of a backend's tar of a path gets in the tar Berth hands out: the backend
   * names entries from the path's last component as it sees it ({@code base}, e.g. the real name
   * behind a symlink, or {@code .}), the caller expects them under the name it asked for ({@code
   * asked}; empty for the workspace root, whose entries are named from the root). {@code base/rest}
   * becomes {@code asked/rest}, or {@code rest} for the root; the base itself becomes {@code asked}
   * (with its trailing slash), or the empty string for the root, which the caller skips.
   */
  public static String rename(String name, String base, String asked) {
    String rest;
    if (name.equals(base) || name.equals(base + "/")) {
      rest = "";
    } else if (name.startsWith(base + "/")) {
      rest = name.substring(base.length() + 1);
    } else {
      rest = name;
    }
    if (asked.isEmpty()) {
      return rest;
    }
    return rest.isEmpty() ? asked + (name.endsWith("/") ? "/" : "") : asked + "/" + rest;
  }
}
