package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The local side of {@code session cp -r}: a directory to a tar and a tar to a directory. */
final class LocalTree {
  private LocalTree() {}

  /**
   * {@code dir} as a tar in a temporary file, its entries under {@code top}/ (the name it gets in
   * the session). Symlinks go as links (the server refuses those that lead out of the workspace);
   * sockets, fifos and devices are skipped, each said on {@code err}.
   */
  static Path tar(Path dir, String top, PrintWriter err) {
    try {
      Path file = Files.createTempFile("berth-cp-", ".tar");
      try (OutputStream out = Files.newOutputStream(file);
          var tar = new TarArchiveOutputStream(out);
          Stream<Path> walk = Files.walk(dir)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Path p : walk.sorted().toList()) {
          String rel = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
          String name = rel.isEmpty() ? top : top + "/" + rel;
          TarArchiveEntry entry;
          if (Files.isSymbolicLink(p)) {
            entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(p).toString());
          } else if (Files.isDirectory(p)) {
            entry = new TarArchiveEntry(p.toFile(), name + "/");
          } else if (Files.isRegularFile(p)) {
            entry = new TarArchiveEntry(p.toFile(), name);
          } else {
            err.println("berth: skipped " + p + ": not a regular file, directory or link");
            continue;
          }
          tar.putArchiveEntry(entry);
          if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(p, tar);
          }
          tar.closeArchiveEntry();
        }
        tar.finish();
      }
      return file;
    } catch (IOException e) {
      throw new CliException("cannot read " + dir + ": " + reason(e));
    }
  }

  /**
   * Unpacks a tar from the archive endpoint into {@code target}. Its entries are named from the
   * parent of what was asked for (the first segment is the directory's own name, which {@code
   * target} replaces), or, for the workspace root, from the root ({@code fromRoot}). Returns the
   * number of entries. Nothing is written outside {@code target}: no {@code ..}, no absolute name,
   * no entry through a link.
   */
  static int untar(InputStream in, Path target, boolean fromRoot) throws IOException {
    createDirectories(target);
    Path root = target.toAbsolutePath().normalize();
    int n = 0;
    var tar = new TarArchiveInputStream(in);
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      String name = entry.getName().replaceAll("/+$", "");
      if (!fromRoot) {
        int slash = name.indexOf('/');
        name = slash < 0 ? "" : name.substring(slash + 1);
      }
      List<String> segments = List.of(name.split("/"));
      if (name.startsWith("/") || segments.contains("..")) {
        throw new CliException("refused an entry that would leave " + target + ": " + name);
      }
      Path p = name.isEmpty() ? root : root.resolve(name).normalize();
      checkNoLinkOnTheWay(root, p);
      try {
        if (entry.isDirectory()) {
          Files.createDirectories(p);
        } else if (entry.isSymbolicLink()) {
          Files.deleteIfExists(p);
          Files.createSymbolicLink(p, Path.of(entry.getLinkName()));
        } else if (entry.isFile()) {
          Files.createDirectories(p.getParent());
          Files.copy(tar, p, StandardCopyOption.REPLACE_EXISTING);
        } else {
          continue;
        }
      } catch (IOException e) {
        throw new CliException("cannot write " + p + ": " + reason(e));
      }
      n++;
    }
    return n;
  }

  private static void checkNoLinkOnTheWay(Path root, Path p) {
    for (Path at = p.getParent(); at != null && at.startsWith(root) && !at.equals(root); ) {
      if (Files.isSymbolicLink(at)) {
        throw new CliException("refused an entry through the link " + at + ": " + p);
      }
      at = at.getParent();
    }
  }

  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CliException("cannot create the directory " + dir + ": " + reason(e));
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file the system cleans up anyway
    }
  }

  /** What went wrong, in a user's words rather than the exception's name. */
  static String reason(IOException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file or directory";
      case AccessDeniedException x -> "permission denied";
      case NotDirectoryException x -> "a part of the path is not a directory";
      case FileAlreadyExistsException x -> "something is already there";
      case FileSystemException x when x.getReason() != null -> x.getReason().toLowerCase();
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
