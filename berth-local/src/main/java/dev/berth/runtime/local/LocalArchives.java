package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.FileLimits;
import dev.berth.runtime.TarEntries;
import dev.berth.runtime.WorkspacePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tar in and out of a local workspace. Every entry name is checked like any other workspace path;
 * links in an archive are kept only when they point inside the workspace, and hard links and
 * special files are refused ({@link TarEntries}).
 */
final class LocalArchives {
  private LocalArchives() {}

  static void put(ConfinedRoot root, WorkspacePath dir, InputStream tar, long maxEntryBytes) {
    try (var in = new TarArchiveInputStream(tar)) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName();
        WorkspacePath target = dir.resolve(name);
        switch (TarEntries.kindOf(entry)) {
          case DIRECTORY -> LocalFiles.makeDirectory(root, target);
          case SYMLINK -> putLink(root, target, entry.getLinkName());
          case FILE -> {
            if (entry.getSize() > maxEntryBytes) {
              throw FileLimits.tooLarge(target, maxEntryBytes);
            }
            LocalFiles.write(root, target, in, maxEntryBytes);
            setMode(root.follow(target), entry.getMode());
          }
        }
      }
    } catch (IOException e) {
      throw BerthException.badRequest("not a valid tar archive: " + e.getMessage());
    }
  }

  private static void putLink(ConfinedRoot root, WorkspacePath at, String linkName)
      throws IOException {
    if (linkName.startsWith("/")) {
      throw BerthException.badRequest(
          "archive link '" + at + "' -> '" + linkName + "' is absolute; only relative links");
    }
    // The link's target, as a workspace path; parse() refuses any that climbs out.
    String joined = at.parent().isRoot() ? linkName : at.parent().value() + "/" + linkName;
    WorkspacePath.parse(normalizeDots(joined, at, linkName));
    Path link = root.noFollow(at);
    Files.createDirectories(link.getParent());
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(linkName));
  }

  private static String normalizeDots(String joined, WorkspacePath at, String linkName) {
    var parts = new java.util.ArrayDeque<String>();
    for (String s : joined.split("/")) {
      if (s.equals("..")) {
        if (parts.isEmpty()) {
          throw BerthException.badRequest(
              "archive link '" + at + "' -> '" + linkName + "' points outside the workspace");
        }
        parts.removeLast();
      } else if (!s.isEmpty() && !s.equals(".")) {
        parts.addLast(s);
      }
    }
    return String.join("/", parts);
  }

  private static void setMode(Path file, int mode) {
    if ((mode & 0100) != 0) {
      file.toFile().setExecutable(true, (mode & 0011) == 0);
    }
  }

  /** Writes {@code path} as a tar stream whose entries are named from {@code path}'s own name. */
  static void get(ConfinedRoot root, WorkspacePath path, OutputStream out) {
    Path start = root.follow(path);
    if (!Files.exists(start)) {
      throw LocalFiles.notFound(path);
    }
    Path base = path.isRoot() ? start : start.getParent();
    try {
      var tar = new TarArchiveOutputStream(out);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      try (Stream<Path> walk = Files.walk(start)) {
        for (Path p : walk.sorted().toList()) {
          if (p.equals(base)) {
            continue;
          }
          String name = base.relativize(p).toString();
          TarArchiveEntry entry;
          if (Files.isSymbolicLink(p)) {
            entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(p).toString());
          } else {
            entry = new TarArchiveEntry(p.toFile(), Files.isDirectory(p) ? name + "/" : name);
          }
          tar.putArchiveEntry(entry);
          if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(p, tar);
          }
          tar.closeArchiveEntry();
        }
      }
      tar.finish();
      tar.flush();
    } catch (IOException e) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "cannot archive '" + path + "': " + e.getMessage(), e);
    }
  }

  /** Copies a project skeleton into a workspace; existing files are never overwritten. */
  static void seed(Path skeleton, Path workspace) throws IOException {
    try (Stream<Path> walk = Files.walk(skeleton)) {
      for (Path src : walk.sorted().toList()) {
        Path dst = workspace.resolve(skeleton.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else if (!Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }
}
