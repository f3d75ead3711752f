package dev.berth.config;

import dev.berth.base.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The data directory ({@code BERTH_HOME}) as start-up leaves it: readable by Berth's user only
 * (0700; the files Berth keeps in it 0600, see {@link OwnerOnly}), with an empty {@code tmp} for
 * the temporary files of this run (a migration's workspace archive, an image's build context). A
 * Berth killed during a migration or a build leaves its temporary files there, never in the host's
 * shared {@code /tmp}, and the next start removes them.
 */
public final class DataDirectory {
  /** Files Berth writes at the top of the data directory (the registry's, the tokens, its id). */
  static final List<String> OWN_FILES =
      List.of("berth.db", "berth.db-wal", "berth.db-shm", "admin.token", "instance.id");

  private DataDirectory() {}

  /**
   * Creates or restricts {@code home} and what Berth keeps in it, and empties its {@code tmp};
   * returns that {@code tmp} directory.
   */
  public static Path prepare(Path home) {
    OwnerOnly.directory(home);
    for (String name : OWN_FILES) {
      OwnerOnly.existing(home.resolve(name));
    }
    Path tmp = OwnerOnly.directory(tmpDir(home));
    empty(tmp);
    return tmp;
  }

  /** Where one run's temporary files go. */
  public static Path tmpDir(Path home) {
    return home.resolve("tmp");
  }

  private static void empty(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              if (!d.equals(dir)) {
                Files.delete(d);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir + " (what a killed run left)", e);
    }
  }
}
