package dev.berth.template;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reload of the templates directory did, compared with the catalog before it.
 *
 * @param loaded every template loaded now, from its file (or built in), sorted
 * @param added loaded now and not before
 * @param changed loaded before and now, and different
 * @param removed loaded before and gone now (its folder was removed)
 * @param kept did not load now, so its last good version stays in use
 * @param skipped the templates that did not load, each with its file and what to fix
 */
public record TemplateReload(
    List<String> loaded,
    List<String> added,
    List<String> changed,
    List<String> removed,
    List<String> kept,
    List<TemplateProblem> skipped,
    Instant at) {

  public TemplateReload {
    loaded = List.copyOf(loaded);
    added = List.copyOf(added);
    changed = List.copyOf(changed);
    removed = List.copyOf(removed);
    kept = List.copyOf(kept);
    skipped = List.copyOf(skipped);
  }

  static TemplateReload compare(
      TemplateCatalog before,
      TemplateCatalog after,
      TemplateLoad load,
      List<String> kept,
      Instant at) {
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Template t : load.catalog().all()) {
      before
          .find(t.name())
          .ifPresentOrElse(
              old -> {
                if (!old.equals(t)) {
                  changed.add(t.name());
                }
              },
              () -> added.add(t.name()));
    }
    List<String> removed = before.names().stream().filter(n -> after.find(n).isEmpty()).toList();
    return new TemplateReload(
        load.catalog().names(),
        added,
        changed,
        removed,
        kept.stream().sorted().toList(),
        load.problems(),
        at);
  }

  /** One line for the log. */
  public String summary() {
    return loaded.size()
        + " loaded (added "
        + added
        + ", changed "
        + changed
        + ", removed "
        + removed
        + "), "
        + skipped.size()
        + " skipped"
        + (kept.isEmpty() ? "" : " (last good version kept for " + kept + ")");
  }
}
