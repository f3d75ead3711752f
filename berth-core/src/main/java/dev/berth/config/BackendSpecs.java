package dev.berth.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Reads and checks the {@code backends:} mapping of {@code berth.yaml}. */
final class BackendSpecs {
  private static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,30}[a-z0-9])?");

  private BackendSpecs() {}

  /**
   * The named backends in {@code node}; {@code auto} and every kind's name are taken (the kinds
   * name the backends Berth makes without named ones).
   */
  static List<BackendSpec> read(
      String where, JsonNode node, BackendKinds known, List<String> errors) {
    Set<String> reserved = new java.util.HashSet<>(known.names());
    reserved.add("auto");
    List<String> kinds = known.namedKinds();
    List<BackendSpec> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      errors.add(where + ": expected a mapping of backend names to settings");
      return out;
    }
    for (var entry : node.properties()) {
      String name = entry.getKey();
      String at = where + "." + name;
      if (!NAME.matcher(name).matches()) {
        errors.add(
            at
                + ": a backend name is 1-32 lower-case letters, digits and dashes, starting with a"
                + " letter");
        continue;
      }
      if (reserved.contains(name)) {
        errors.add(
            at + ": '" + name + "' is built in; give your backend another name (e.g. docker-main)");
        continue;
      }
      if (!entry.getValue().isObject()) {
        errors.add(at + ": expected a mapping with at least 'kind'");
        continue;
      }
      Map<String, String> settings = new LinkedHashMap<>();
      for (var setting : entry.getValue().properties()) {
        if (!setting.getValue().isValueNode()) {
          errors.add(at + "." + setting.getKey() + ": must be a single value");
        } else {
          settings.put(setting.getKey(), setting.getValue().asString());
        }
      }
      String kind = settings.remove("kind");
      if (kind == null || !kinds.contains(kind)) {
        errors.add(at + ".kind: must be one of " + kinds);
        continue;
      }
      out.add(new BackendSpec(name, kind, settings));
    }
    return out;
  }
}
