package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.FileLimits;
import dev.berth.runtime.WorkspacePath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** File operations on a local workspace directory, every path confined by {@link ConfinedRoot}. */
final class LocalFiles {
  private LocalFiles() {}

  static byte[] read(ConfinedRoot root, WorkspacePath p, long maxBytes) {
    Path file = root.follow(p); // real: every link resolved, so no link is followed from here on
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isDirectory()) {
        throw BerthException.badRequest("'" + p + "' is a directory; list it instead");
      }
      if (!attrs.isRegularFile()) {
        throw FileLimits.notRegularFile(p); // checked before opening: a fifo's open blocks
      }
      if (attrs.size() > maxBytes) {
        throw FileLimits.tooLarge(p, maxBytes);
      }
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > maxBytes) {
          throw FileLimits.tooLarge(p, maxBytes); // it grew since the check
        }
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw notFound(p);
    } catch (IOException e) {
      throw failure("read", p, e);
    }
  }

  /** Writes through a temporary file and an atomic rename: readers never see half a file. */
  static void write(ConfinedRoot root, WorkspacePath p, InputStream data, long maxBytes) {
    Path target = root.follow(p);
    if (Files.isDirectory(target)) {
      throw BerthException.conflict("'" + p + "' is a directory");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw FileLimits.notRegularFile(p);
    }
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempFile(target.getParent(), ".berth-", ".tmp");
      FileLimits.copyBounded(data, tmp, maxBytes, p);
      // Temp files are 0600; a written file should look like any other: keep the mode of the
      // file it replaces, else the usual rw-r--r--.
      Files.setPosixFilePermissions(
          tmp,
          Files.exists(target)
              ? Files.getPosixFilePermissions(target)
              : PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (FileAlreadyExistsException e) {
      throw BerthException.conflict("a parent of '" + p + "' is a file, not a directory");
    } catch (IOException e) {
      throw failure("write", p, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: a stray temp file is harmless and named as ours
        }
      }
    }
  }

  static List<FileEntry> list(ConfinedRoot root, WorkspacePath p) {
    Path dir = root.follow(p);
    if (!Files.exists(dir)) {
      throw notFound(p);
    }
    if (!Files.isDirectory(dir)) {
      throw BerthException.badRequest("'" + p + "' is a file, not a directory");
    }
    List<FileEntry> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted().toList()) {
        out.add(entry(root, child));
      }
    } catch (IOException e) {
      throw failure("list", p, e);
    }
    return out;
  }

  static Optional<FileEntry> stat(ConfinedRoot root, WorkspacePath p) {
    Path path = root.noFollow(p);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      return Optional.of(entry(root, path));
    } catch (IOException e) {
      throw failure("stat", p, e);
    }
  }

  static FileEntry entry(ConfinedRoot root, Path path) throws IOException {
    var attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    FileEntry.Type type =
        attrs.isSymbolicLink()
            ? FileEntry.Type.SYMLINK
            : attrs.isDirectory()
                ? FileEntry.Type.DIRECTORY
                : attrs.isRegularFile() ? FileEntry.Type.FILE : FileEntry.Type.OTHER;
    long size = type == FileEntry.Type.FILE ? attrs.size() : 0;
    return new FileEntry(root.relative(path), type, size, attrs.lastModifiedTime().toInstant());
  }

  static void delete(ConfinedRoot root, WorkspacePath p, boolean recursive) {
    Path path = root.noFollow(p);
    try {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        throw notFound(p);
      }
      if (recursive && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(path);
      } else {
        Files.delete(path);
      }
    } catch (DirectoryNotEmptyException e) {
      throw BerthException.conflict("directory '" + p + "' is not empty; delete it recursively");
    } catch (IOException e) {
      throw failure("delete", p, e);
    }
  }

  /** Deletes a tree without following links out of it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  static void move(ConfinedRoot root, WorkspacePath from, WorkspacePath to) {
    Path src = root.noFollow(from);
    Path dst = root.noFollow(to);
    if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
      throw notFound(from);
    }
    if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
      throw BerthException.conflict("'" + to + "' already exists");
    }
    if (dst.startsWith(src)) {
      throw BerthException.badRequest("cannot move '" + from + "' into itself");
    }
    try {
      Files.createDirectories(dst.getParent());
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw failure("move", from, e);
    }
  }

  static void makeDirectory(ConfinedRoot root, WorkspacePath p) {
    Path dir = root.follow(p);
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw BerthException.conflict("'" + p + "' (or a parent) exists and is not a directory");
    } catch (IOException e) {
      throw failure("create directory", p, e);
    }
  }

  static BerthException notFound(WorkspacePath p) {
    return BerthException.notFound("no file or directory '" + p + "' in the workspace");
  }

  static BerthException failure(String what, WorkspacePath p, IOException e) {
    return new BerthException(
        ErrorCode.RUNTIME_FAILURE, "cannot " + what + " '" + p + "': " + e.getMessage(), e);
  }
}
