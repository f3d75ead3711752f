package dev.berth.api;

import dev.berth.reconcile.TemplateVolumeCollector;
import dev.berth.runtime.TemplateVolumeStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Template volumes as the REST API shows them (a listing, and the gc receipt). */
final class TemplateVolumeViews {
  private TemplateVolumeViews() {}

  static Map<String, Object> of(TemplateVolumeCollector.OnBackend v) {
    return volume(v.backend(), v.volume());
  }

  /** A collected volume: {@code removed} (or, in a dry run, would be) unless {@code failure}. */
  static Map<String, Object> of(TemplateVolumeCollector.Collected c) {
    Map<String, Object> out = volume(c.backend(), c.result().volume());
    out.put("removed", c.result().failure().isEmpty());
    c.result().failure().ifPresent(f -> out.put("failure", f));
    return out;
  }

  private static Map<String, Object> volume(String backend, TemplateVolumeStore.Listed v) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("backend", backend);
    out.put("name", v.name());
    out.put("template", v.template());
    out.put("contentHash", v.contentHash());
    out.put("createdAt", v.createdAt().map(Object::toString).orElse(null));
    out.put("current", v.current());
    out.put("usedBy", List.copyOf(v.usedBy()));
    return out;
  }
}
