package dev.berth.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A benchmark's throwaway data directory: a new one in the JVM's temporary directory (0700, as
 * {@link Files#createTempDirectory} makes it on POSIX), removed whole when the benchmark ends, so
 * its admin token, registry and local workspaces do not stay in the host's shared {@code /tmp}.
 */
final class BenchHome implements AutoCloseable {
  private final Path dir;

  private BenchHome(Path dir) {
    this.dir = dir;
  }

  static BenchHome make(String prefix) {
    try {
      return new BenchHome(Files.createTempDirectory(prefix));
    } catch (IOException e) {
      throw new CliException("cannot make a temporary data directory: " + e.getMessage());
    }
  }

  Path dir() {
    return dir;
  }

  /** Removes the directory and everything in it; what cannot be removed is said, not thrown. */
  @Override
  public void close() {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("could not remove the benchmark's data directory " + dir + ": " + e);
    }
  }
}
