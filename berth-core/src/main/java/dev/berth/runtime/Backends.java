package dev.berth.runtime;

import dev.berth.base.BerthException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The runtimes this Berth runs sessions on, by backend name, and which one is the default. */
public final class Backends implements AutoCloseable {
  private final Map<String, SessionRuntime> byName;
  private final String defaultName;

  public Backends(Map<String, SessionRuntime> byName, String defaultName) {
    if (!byName.containsKey(defaultName)) {
      throw new IllegalArgumentException("default backend " + defaultName + " is not configured");
    }
    this.byName = new LinkedHashMap<>(byName);
    this.defaultName = defaultName;
  }

  public static Backends of(SessionRuntime runtime) {
    return new Backends(Map.of(runtime.kind(), runtime), runtime.kind());
  }

  public String defaultName() {
    return defaultName;
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** The runtime for {@code name}; 400 naming the configured ones when it is unknown. */
  public SessionRuntime get(String name) {
    SessionRuntime runtime = byName.get(name);
    if (runtime == null) {
      throw BerthException.badRequest(
          "unknown backend '" + name + "'; configured backends: " + byName.keySet());
    }
    return runtime;
  }

  @Override
  public void close() {
    byName.values().forEach(SessionRuntime::close);
  }
}
