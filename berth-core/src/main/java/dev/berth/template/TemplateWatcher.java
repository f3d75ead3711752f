package dev.berth.template;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the templates when a file in the templates directory changes: the directory itself and
 * each template folder in it (where {@code template.yaml} lives) are watched. Debounced: an
 * editor's save is several events (a temporary file, a rename, a modify), and copying a new
 * template in is many; one reload runs once the directory has been quiet for the debounce time.
 *
 * <p>Its thread never dies of a reload's failure (caught and logged at the loop boundary); {@link
 * #close} ends it.
 */
public final class TemplateWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TemplateWatcher.class);

  /** Long enough to cover one save's burst of events, short enough to feel immediate. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(300);

  private final ReloadingTemplates templates;
  private final Duration debounce;
  private final WatchService watch;
  private final Thread thread;

  private TemplateWatcher(ReloadingTemplates templates, Duration debounce, WatchService watch) {
    this.templates = templates;
    this.debounce = debounce;
    this.watch = watch;
    this.thread = Thread.ofPlatform().daemon().name("berth-template-watcher").unstarted(this::run);
  }

  /**
   * Starts watching {@code templates}' directory. A directory that does not exist is not watched
   * (logged): {@code POST /api/v1/templates/reload} still reads it once it is made.
   */
  public static TemplateWatcher start(ReloadingTemplates templates, Duration debounce) {
    Path dir = templates.directory();
    WatchService watch;
    try {
      watch = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch " + dir + " for template changes", e);
    }
    var watcher = new TemplateWatcher(templates, debounce, watch);
    if (dir == null || !Files.isDirectory(dir)) {
      log.info("templates directory {} does not exist: not watching it for changes", dir);
      return watcher;
    }
    watcher.register(dir);
    try (Stream<Path> folders = Files.list(dir)) {
      folders.filter(Files::isDirectory).forEach(watcher::register);
    } catch (IOException e) {
      log.warn("cannot list {} to watch its templates: {}", dir, e.toString());
    }
    watcher.thread.start();
    return watcher;
  }

  private void register(Path folder) {
    try {
      folder.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    } catch (IOException e) {
      log.warn("cannot watch {} for template changes: {}", folder, e.toString());
    }
  }

  private void run() {
    boolean dirty = false;
    long due = 0;
    while (true) {
      try {
        WatchKey key =
            dirty
                ? watch.poll(Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS)
                : watch.take();
        if (key != null) {
          watchNewFolders(key);
          key.reset();
          dirty = true;
          due = System.nanoTime() + debounce.toNanos();
        } else if (System.nanoTime() >= due) {
          dirty = false;
          templates.reload();
        }
      } catch (ClosedWatchServiceException | InterruptedException closed) {
        return;
      } catch (RuntimeException e) {
        log.warn("reloading templates after a change failed; the previous ones stay in use", e);
      }
    }
  }

  /** A folder made in the templates directory is a new template: watch it too. */
  private void watchNewFolders(WatchKey key) {
    // Every key's events are taken, even when only the top level's matter: a key reset with
    // events pending is queued again at once, and the loop would never be quiet.
    boolean topLevel =
        key.watchable() instanceof Path watched && watched.equals(templates.directory());
    for (WatchEvent<?> event : key.pollEvents()) {
      if (topLevel
          && event.kind() == ENTRY_CREATE
          && event.context() instanceof Path name
          && Files.isDirectory(templates.directory().resolve(name))) {
        register(templates.directory().resolve(name));
      }
    }
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (IOException e) {
      log.debug("closing the template watcher: {}", e.toString());
    }
    thread.interrupt();
  }
}
