package dev.berth.runtime;

import dev.berth.base.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Where a backend spools what passes through the manager on its way into or out of a workspace: a
 * caller's archive while it is checked ({@link CheckedArchive}), a write held back until it is
 * known to fit, a tar re-packed for the engine. A server gives its backends the data directory's
 * {@code tmp} ({@code BERTH_HOME/tmp}, 0700, emptied at start-up; see {@code DataDirectory}): the
 * bytes are a session's files, which the host's shared {@code /tmp} would show to anybody who can
 * list it, and there a Berth killed mid-upload would leave them for good.
 *
 * @param dir the directory the files go in
 */
public record SpoolDir(Path dir) {
  public SpoolDir {
    Objects.requireNonNull(dir, "dir");
  }

  /**
   * The JVM's temporary directory, for a runtime made without a data directory (a test, an
   * embedding program); never chmodded here, since it is not Berth's.
   */
  public static SpoolDir systemTemp() {
    return new SpoolDir(Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** The directory, made (0700) when it is missing. */
  public Path ensured() {
    // An existing directory is left as it is: it may be the host's /tmp (systemTemp), and the data
    // directory's tmp was restricted at start-up.
    return Files.isDirectory(dir) ? dir : OwnerOnly.directory(dir);
  }

  /**
   * A new empty file in the directory, readable by Berth's user only (0600); the caller removes it.
   */
  public Path newFile(String prefix, String suffix) throws IOException {
    Path in = ensured();
    return in.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? Files.createTempFile(in, prefix, suffix, ownerOnly())
        : Files.createTempFile(in, prefix, suffix);
  }

  private static FileAttribute<?> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(OwnerOnly.FILE);
  }
}
