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

  /**
   * Refuses a link of a caller's archive that is absolute or that climbs out of the workspace on
   * paper ({@code ..} read lexically from the link's own directory). What it leads to through the
   * workspace's existing links is the backend's check, which alone sees them.
   */
  public static void checkLinkOnPaper(WorkspacePath at, String linkName) {
    if (linkName.startsWith("/")) {
      throw BerthException.badRequest(
          "archive link '" + at + "' -> '" + linkName + "' is absolute; only relative links");
    }
    int depth = at.parent().isRoot() ? 0 : at.parent().value().split("/").length;
    for (String s : linkName.split("/")) {
      if (s.equals("..")) {
        if (--depth < 0) {
          throw linkOutside(at, linkName);
        }
      } else if (!s.isEmpty() && !s.equals(".")) {
        depth++;
      }
    }
  }

  /** The refusal for a link of a caller's archive that leads outside the workspace. */
  public static BerthException linkOutside(WorkspacePath at, String linkName) {
    return BerthException.badRequest(
        "archive link '" + at + "' -> '" + linkName + "' points outside the workspace");
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
