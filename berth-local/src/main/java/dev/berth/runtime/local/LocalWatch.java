package dev.berth.runtime.local;

import dev.berth.runtime.WorkspaceChange;
import dev.berth.runtime.WorkspacePath;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a local workspace with the JDK's {@link WatchService} (inotify on Linux), every directory
 * below the root, registering new directories as they appear. A directory made with files already
 * in it (a {@code mkdir -p a/b && touch a/b/c}, an unpacked archive) is walked when it is
 * registered, its files reported, because their own events came before its watch. Events that
 * arrive close together are handed on as one batch. A queue overflow is reported as a change of the
 * root: anything may have changed.
 */
final class LocalWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalWatch.class);
  // How long to gather events after the first of a batch: a save is often several events.
  private static final long BATCH_MILLIS = 20;

  private final Path root;
  private final WatchService service;
  private final Consumer<List<WorkspaceChange>> sink;
  private final Map<WatchKey, Path> dirs = new HashMap<>();

  private LocalWatch(Path root, WatchService service, Consumer<List<WorkspaceChange>> sink) {
    this.root = root;
    this.service = service;
    this.sink = sink;
  }

  /** Watches {@code root} until closed; its directories are registered before this returns. */
  static LocalWatch start(Path root, Consumer<List<WorkspaceChange>> sink) {
    try {
      var watch = new LocalWatch(root, root.getFileSystem().newWatchService(), sink);
      watch.registerAll(root, new ArrayList<>());
      Thread.ofVirtual().name("berth-local-watch").start(watch::loop);
      return watch;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot watch " + root, e);
    }
  }

  private void loop() {
    try {
      while (true) {
        WatchKey key = service.take();
        List<WorkspaceChange> batch = new ArrayList<>();
        while (key != null) {
          handle(key, batch);
          key = service.poll(BATCH_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (!batch.isEmpty()) {
          sink.accept(batch);
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException closed) {
      // closed: the feed ended
    } catch (RuntimeException e) {
      log.warn("watching {} stopped", root, e);
    }
  }

  private void handle(WatchKey key, List<WorkspaceChange> batch) {
    Path dir = dirs.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW || dir == null) {
        batch.add(new WorkspaceChange(WorkspacePath.ROOT, false));
        continue;
      }
      Path at = dir.resolve((Path) event.context());
      boolean deleted = event.kind() == StandardWatchEventKinds.ENTRY_DELETE;
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
          && Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        registerAll(at, batch);
      }
      add(batch, at, deleted);
    }
    if (!key.reset()) {
      dirs.remove(key); // the directory is gone (its delete was reported by its parent)
    }
  }

  private void add(List<WorkspaceChange> batch, Path at, boolean deleted) {
    try {
      batch.add(new WorkspaceChange(WorkspacePath.parse(root.relativize(at).toString()), deleted));
    } catch (RuntimeException notAWorkspacePath) {
      // a name Berth's paths cannot express (too long): nobody could read it through Berth either
    }
  }

  private void registerAll(Path top, List<WorkspaceChange> found) {
    try {
      Files.walkFileTree(
          top,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              WatchKey key =
                  dir.register(
                      service,
                      StandardWatchEventKinds.ENTRY_CREATE,
                      StandardWatchEventKinds.ENTRY_DELETE,
                      StandardWatchEventKinds.ENTRY_MODIFY);
              dirs.put(key, dir);
              if (!dir.equals(top)) {
                add(found, dir, false);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (!top.equals(root)) {
                add(found, file, false);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // gone already, or unreadable: nothing to watch
            }
          });
    } catch (IOException e) {
      log.debug("cannot watch {}: {}", top, e.toString());
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      log.debug("closing the watch of {}: {}", root, e.toString());
    }
  }
}
