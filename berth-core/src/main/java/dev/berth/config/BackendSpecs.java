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
   * name the backends Berth makes without named ones). The one exception is a kind of which a Berth
   * has exactly one (local): {@code local: {enabled: false}} there is that kind's own top-level
   * setting written in place ({@code localEnabled}), put into {@code values} with its source in
   * {@code sources}.
   */
  static List<BackendSpec> read(
      String where,
      JsonNode node,
      BackendKinds known,
      List<String> errors,
      Map<String, String> values,
      Map<String, String> sources) {
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
      if (known.singleKinds().contains(name)) {
        builtIn(at, name, entry.getValue(), known.keysOf(name), errors, values, sources);
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

  /** {@code local: {enabled: false}} as {@code localEnabled: false}. */
  private static void builtIn(
      String at,
      String kind,
      JsonNode node,
      Set<String> kindKeys,
      List<String> errors,
      Map<String, String> values,
      Map<String, String> sources) {
    List<String> takes =
        kindKeys.stream()
            .map(
                k ->
                    Character.toLowerCase(k.charAt(kind.length())) + k.substring(kind.length() + 1))
            .toList();
    if (!node.isObject()) {
      errors.add(at + ": expected a mapping of the " + kind + " backend's settings " + takes);
      return;
    }
    for (var setting : node.properties()) {
      String name = setting.getKey();
      String key = kind + Character.toUpperCase(name.charAt(0)) + name.substring(1);
      if (!kindKeys.contains(key)) {
        errors.add(at + "." + name + ": unknown setting; the " + kind + " backend takes " + takes);
      } else if (!setting.getValue().isValueNode()) {
        errors.add(at + "." + name + ": must be a single value");
      } else {
        values.put(key, setting.getValue().asString());
        sources.put(key, at + "." + name);
      }
    }
  }
}
