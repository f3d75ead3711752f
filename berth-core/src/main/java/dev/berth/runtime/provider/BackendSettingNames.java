package dev.berth.runtime.provider;

import dev.berth.config.BackendSpec;
import java.util.List;
import java.util.Set;

/** The check every kind makes of a named backend's settings: no key the kind does not take. */
public final class BackendSettingNames {
  private BackendSettingNames() {}

  /** Unknown settings are an error that names them and the ones this kind takes. */
  public static void check(BackendSpec spec, Set<String> known) {
    List<String> unknown =
        spec.settings().keySet().stream().filter(k -> !known.contains(k)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(
          "backend '"
              + spec.name()
              + "': unknown setting(s) "
              + unknown
              + "; a "
              + spec.kind()
              + " backend takes "
              + known.stream().sorted().toList());
    }
  }
}
