package dev.berth.template;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The templates of a running server, read from its templates directory and read again on {@link
 * #reload} (a file change, see {@link TemplateWatcher}, or {@code POST /api/v1/templates/reload}).
 * Each reload swaps in a whole new catalog at once, so a request sees either the old templates or
 * the new ones, never a mix.
 *
 * <p>A template that does not load is reported and skipped; the others load. One that loaded before
 * and breaks later keeps its last good version: its sessions keep running as they were made, the
 * reconciler keeps health-checking and restarting them, and its problem says so until the file is
 * fixed. One whose folder was removed is gone after the reload.
 */
public final class ReloadingTemplates implements TemplateSource {
  private static final Logger log = LoggerFactory.getLogger(ReloadingTemplates.class);

  private final Path dir;
  private final Clock clock;
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

  /** What is loaded now, the problems of what is not, and when the directory was last read. */
  private record Snapshot(TemplateCatalog catalog, List<TemplateProblem> problems, Instant at) {}

  /** Reads {@code dir} once; a broken template is reported (see {@link #problems}), not fatal. */
  public ReloadingTemplates(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
    TemplateLoad first = TemplateLoader.loadReporting(dir);
    snapshot.set(new Snapshot(first.catalog(), first.problems(), clock.instant()));
    first.problems().forEach(ReloadingTemplates::logProblem);
  }

  @Override
  public TemplateCatalog current() {
    return snapshot.get().catalog();
  }

  @Override
  public List<TemplateProblem> problems() {
    return snapshot.get().problems();
  }

  /** When the directory was last read. */
  public Instant loadedAt() {
    return snapshot.get().at();
  }

  public Path directory() {
    return dir;
  }

  /**
   * Reads the directory again and swaps in what loads. Synchronized: two reloads at once (a file
   * change and an API call) must not interleave their read-compare-swap.
   */
  @Override
  public synchronized TemplateReload reload() {
    Snapshot before = snapshot.get();
    TemplateLoad load = TemplateLoader.loadReporting(dir);
    Map<String, Template> next = new LinkedHashMap<>();
    load.catalog().all().forEach(t -> next.put(t.name(), t));
    List<String> kept = new ArrayList<>();
    for (TemplateProblem p : load.problems()) {
      before
          .catalog()
          .find(p.template())
          .filter(t -> !next.containsKey(t.name()))
          .ifPresent(
              lastGood -> {
                next.put(lastGood.name(), lastGood);
                kept.add(lastGood.name());
              });
    }
    TemplateCatalog catalog = new TemplateCatalog(next);
    Instant now = clock.instant();
    snapshot.set(new Snapshot(catalog, load.problems(), now));
    TemplateReload report = TemplateReload.compare(before.catalog(), catalog, load, kept, now);
    load.problems().forEach(ReloadingTemplates::logProblem);
    log.info("templates reloaded from {}: {}", dir, report.summary());
    return report;
  }

  private static void logProblem(TemplateProblem p) {
    log.warn(
        "template '{}' does not load ({}): {}; skipped, the other templates work",
        p.template(),
        p.file(),
        p.message());
  }
}
