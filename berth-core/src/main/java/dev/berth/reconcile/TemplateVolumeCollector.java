package dev.berth.reconcile;

import dev.berth.runtime.Backends;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.TemplateVolumeStore;
import dev.berth.template.Template;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Lists the template volumes of every backend that makes them, and removes (for {@code berth gc})
 * those that no template needs (its files have changed since, or the template is gone) and no
 * session's container mounts. Unlike orphans they belong to no session: a session keeps the copy
 * its container was made with while it lives, so the old copy goes only once the last such session
 * is deleted.
 */
public final class TemplateVolumeCollector {
  private final Backends backends;
  private final Supplier<Collection<Template>> templates;
  private final Clock clock;

  /** {@code templates}: the templates as they are loaded now, asked at every call. */
  public TemplateVolumeCollector(
      Backends backends, Supplier<Collection<Template>> templates, Clock clock) {
    this.backends = backends;
    this.templates = templates;
    this.clock = clock;
  }

  /** One backend's template volume. */
  public record OnBackend(String backend, TemplateVolumeStore.Listed volume) {}

  /** One backend's unused template volume, and whether it was removed. */
  public record Collected(String backend, TemplateVolumeStore.Collected result) {}

  public List<OnBackend> list() {
    Collection<Template> now = templates.get();
    List<OnBackend> out = new ArrayList<>();
    for (String name : backends.names()) {
      SessionRuntime runtime = backends.get(name);
      runtime
          .templateVolumes()
          .ifPresent(store -> store.list(now).forEach(v -> out.add(new OnBackend(name, v))));
    }
    return out;
  }

  /** Removes (unless {@code dryRun}) the unused template volumes older than {@code grace}. */
  public List<Collected> collect(Duration grace, boolean dryRun) {
    Collection<Template> now = templates.get();
    List<Collected> out = new ArrayList<>();
    for (String name : backends.names()) {
      SessionRuntime runtime = backends.get(name);
      runtime
          .templateVolumes()
          .ifPresent(
              store ->
                  store
                      .collect(now, clock.instant().minus(grace), dryRun)
                      .forEach(c -> out.add(new Collected(name, c))));
    }
    return out;
  }
}
