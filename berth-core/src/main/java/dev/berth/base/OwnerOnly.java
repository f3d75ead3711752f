package dev.berth.base;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Makes what Berth keeps on disk readable by its own user only: directories 0700, files 0600. The
 * data directory holds the registry (token hashes, runtime state), {@code admin.token} and the
 * local backend's workspaces; anybody else on the host reading them is a leak. Each method both
 * creates with the right mode (no window at the umask's 0755/0644) and corrects what an older Berth
 * left, so an existing installation is fixed at its next start. On a file system without POSIX
 * permissions (Windows) they create and leave the mode alone.
 */
public final class OwnerOnly {
  public static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() {}

  /** Creates {@code dir} (and missing parents, 0700 too) or corrects its mode; returns it. */
  public static Path directory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, attribute(dir.getParent(), DIRECTORY));
      }
      restrict(dir, DIRECTORY);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create or restrict directory " + dir, e);
    }
  }

  /** Creates an empty {@code file} with mode 0600 if it is missing, else corrects its mode. */
  public static Path file(Path file) {
    try {
      Files.createFile(file, attribute(file.getParent(), FILE));
    } catch (FileAlreadyExistsException exists) {
      // corrected below
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file, e);
    }
    return existing(file);
  }

  /** Corrects the mode of {@code file} if it exists (0600; 0700 for a directory); returns it. */
  public static Path existing(Path file) {
    if (Files.isSymbolicLink(file) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return file; // never chmod through a link
    }
    try {
      restrict(file, Files.isDirectory(file) ? DIRECTORY : FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict " + file, e);
    }
    return file;
  }

  private static void restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
    if (supportsPosix(path) && !Files.getPosixFilePermissions(path).equals(mode)) {
      Files.setPosixFilePermissions(path, mode);
    }
  }

  private static FileAttribute<?>[] attribute(Path parent, Set<PosixFilePermission> mode) {
    Path probe = parent == null ? Path.of("").toAbsolutePath() : parent;
    while (probe != null && !Files.exists(probe)) {
      probe = probe.getParent();
    }
    return probe != null && supportsPosix(probe)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
        : new FileAttribute<?>[0];
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
