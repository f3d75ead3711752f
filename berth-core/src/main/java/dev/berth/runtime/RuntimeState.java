package dev.berth.runtime;

import java.util.Map;
import java.util.TreeMap;

/**
 * A runtime's own record of one session: every generated name (directory, container, volume, pod,
 * process id...). The registry stores it as an opaque, versioned blob so that a configuration
 * change (a new name prefix, say) can never orphan a live session: the runtime always acts on the
 * names it generated, not on names it would generate today.
 *
 * @param version the runtime's format version for {@code values}; a runtime that reads an older
 *     version upgrades it or fails loudly
 * @param values string key/value pairs, sorted for stable serialization
 */
public record RuntimeState(int version, Map<String, String> values) {
  public static final RuntimeState EMPTY = new RuntimeState(0, Map.of());

  public RuntimeState {
    values = Map.copyOf(values);
  }

  public static RuntimeState of(int version, Map<String, String> values) {
    return new RuntimeState(version, values);
  }

  public String get(String key) {
    return values.get(key);
  }

  public String getOrDefault(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** A copy with {@code key} set to {@code value}, or removed when {@code value} is null. */
  public RuntimeState with(String key, String value) {
    var copy = new TreeMap<>(values);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, value);
    }
    return new RuntimeState(version, copy);
  }

  public RuntimeState withVersion(int newVersion) {
    return new RuntimeState(newVersion, values);
  }
}
