package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.CheckedArchive;
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
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tar in and out of a local workspace. Every entry name is checked like any other workspace path;
 * links in an archive are kept only when they point inside the workspace as the kernel resolves
 * them, hard links and special files are refused ({@link TarEntries}), and a refused archive writes
 * nothing.
 */
final class LocalArchives {
  private LocalArchives() {}

  /**
   * Unpacks a caller's tar into {@code dir}, all or nothing: the archive is spooled beside the
   * workspace and checked whole ({@link CheckedArchive}), then every entry is checked against the
   * workspace as it is, and only then is anything written.
   */
  static void put(ConfinedRoot root, WorkspacePath dir, InputStream tar, long maxEntryBytes) {
    Path spoolDir = root.root().getParent(); // the session's directory, outside the workspace
    try (var archive = CheckedArchive.spool(tar, dir, spoolDir, maxEntryBytes)) {
      forEach(archive, dir, (entry, target, in) -> check(root, entry, target));
      forEach(archive, dir, (entry, target, in) -> unpack(root, entry, target, in, maxEntryBytes));
    } catch (IOException e) {
      throw BerthException.badRequest("not a valid tar archive: " + e.getMessage());
    }
  }

  private interface EntryAction {
    void apply(TarArchiveEntry entry, WorkspacePath target, InputStream content) throws IOException;
  }

  private static void forEach(CheckedArchive archive, WorkspacePath dir, EntryAction action)
      throws IOException {
    try (var in = archive.open()) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        action.apply(entry, dir.resolve(entry.getName()), in);
      }
    }
  }

  /** What would make the unpack of {@code entry} fail, found before anything is written. */
  private static void check(ConfinedRoot root, TarArchiveEntry entry, WorkspacePath target) {
    switch (TarEntries.kindOf(entry)) {
      case DIRECTORY -> {
        Path d = root.follow(target);
        if (Files.exists(d) && !Files.isDirectory(d)) {
          throw BerthException.conflict(
              "archive entry '" + target + "' is a directory, but '" + target + "' is not");
        }
        parentsAreDirectories(root, target);
      }
      case FILE -> {
        Path f = root.follow(target);
        if (Files.isDirectory(f)) {
          throw BerthException.conflict("archive entry '" + target + "' would replace a directory");
        }
        if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(f)) {
          throw FileLimits.notRegularFile(target);
        }
        parentsAreDirectories(root, target);
      }
      case SYMLINK -> {
        root.checkLink(target, entry.getLinkName());
        if (Files.isDirectory(root.noFollow(target), LinkOption.NOFOLLOW_LINKS)) {
          throw BerthException.conflict("archive link '" + target + "' would replace a directory");
        }
        parentsAreDirectories(root, target);
      }
    }
  }

  private static void parentsAreDirectories(ConfinedRoot root, WorkspacePath target) {
    Path p = root.noFollow(target).getParent();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p != null && !Files.isDirectory(p)) {
      throw BerthException.conflict(
          "archive entry '" + target + "' needs a directory where a parent of it is a file");
    }
  }

  private static void unpack(
      ConfinedRoot root,
      TarArchiveEntry entry,
      WorkspacePath target,
      InputStream in,
      long maxEntryBytes)
      throws IOException {
    switch (TarEntries.kindOf(entry)) {
      case DIRECTORY -> LocalFiles.makeDirectory(root, target);
      case SYMLINK -> putLink(root, target, entry.getLinkName());
      case FILE -> {
        LocalFiles.write(root, target, in, maxEntryBytes);
        setMode(root.follow(target), entry.getMode());
      }
    }
  }

  private static void putLink(ConfinedRoot root, WorkspacePath at, String linkName)
      throws IOException {
    root.checkLink(at, linkName); // again: the check above saw the workspace a moment ago
    Path link = root.noFollow(at);
    Files.createDirectories(link.getParent());
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(linkName));
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
