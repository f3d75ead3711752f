package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * For tests that a backend spools in the directory it was given: records the name of every file
 * made there (inotify, through a {@link WatchService}), and the modes of the files present while a
 * caller's bytes are being read ({@link #observing}), which is when a backend's spool files exist.
 */
public final class SpoolWatch implements AutoCloseable {
  private final Path dir;
  private final WatchService watcher;
  private final Set<String> created = ConcurrentHashMap.newKeySet();
  private final Map<String, String> modesWhileReading = new ConcurrentHashMap<>();

  public SpoolWatch(Path dir) throws IOException {
    this.dir = dir;
    this.watcher = FileSystems.getDefault().newWatchService();
    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
  }

  /**
   * {@code in}, which notes the spool directory's files and their modes at its first read: a
   * backend reads a caller's bytes into its spool file, so that file is there then.
   */
  public InputStream observing(InputStream in) {
    return new FilterInputStream(in) {
      private boolean seen;

      @Override
      public int read() throws IOException {
        look();
        return super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        look();
        return super.read(b, off, len);
      }

      private void look() throws IOException {
        if (seen) {
          return;
        }
        seen = true;
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            modesWhileReading.put(
                f.getFileName().toString(),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
          }
        }
      }
    };
  }

  /**
   * The modes ({@code rw-------}) of the files in the directory while a caller's bytes were read.
   */
  public Map<String, String> modesWhileReading() {
    return Map.copyOf(modesWhileReading);
  }

  /**
   * Waits until a file whose name starts with each of {@code prefixes} has been made in the
   * directory (the watcher's thread delivers events a moment after they happen); fails if one never
   * is.
   */
  public void awaitCreated(List<String> prefixes) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              drain();
              for (String prefix : prefixes) {
                assertThat(created)
                    .as("files made in %s", dir)
                    .anySatisfy(name -> assertThat(name).startsWith(prefix));
              }
            });
  }

  /** What is in the directory now. */
  public List<String> left() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void drain() {
    var key = watcher.poll();
    while (key != null) {
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.context() instanceof Path p) {
          created.add(p.toString());
        }
      }
      key.reset();
      key = watcher.poll();
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
  }
}
