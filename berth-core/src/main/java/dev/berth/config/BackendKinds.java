package dev.berth.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The backend kinds a configuration is loaded for: their names, keys and checks. */
final class BackendKinds {
  private final List<BackendSettingsParser> kinds;

  BackendKinds(Collection<? extends BackendSettingsParser> kinds) {
    // Kinds of which a Berth has one (local) first, then the others by name: the order messages
    // list them in, which must not depend on the order the class path offers them.
    this.kinds =
        kinds.stream()
            .sorted(
                Comparator.comparing(BackendSettingsParser::namedBackends)
                    .thenComparing(BackendSettingsParser::kind))
            .map(k -> (BackendSettingsParser) k)
            .toList();
    Set<String> seen = new java.util.HashSet<>();
    for (var k : this.kinds) {
      if (!seen.add(k.kind())) {
        throw new IllegalStateException("two backend providers of kind '" + k.kind() + "'");
      }
    }
  }

  /** Every kind's name, in the order messages list them. */
  List<String> names() {
    return kinds.stream().map(BackendSettingsParser::kind).toList();
  }

  /** The kinds {@code backends:} may hold, in the order messages list them. */
  List<String> namedKinds() {
    return kinds.stream()
        .filter(BackendSettingsParser::namedBackends)
        .map(BackendSettingsParser::kind)
        .toList();
  }

  /** The kinds of which a Berth has exactly one (no named backends of them): local. */
  List<String> singleKinds() {
    return kinds.stream().filter(k -> !k.namedBackends()).map(BackendSettingsParser::kind).toList();
  }

  /**
   * The top-level keys of {@code kind} whose names start with it ({@code localEnabled}): those a
   * {@code backends: {kind: {...}}} entry may set.
   */
  Set<String> keysOf(String kind) {
    return kinds.stream()
        .filter(k -> k.kind().equals(kind))
        .flatMap(k -> k.keys().keySet().stream())
        .filter(key -> key.startsWith(kind) && key.length() > kind.length())
        .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** Every kind's keys with their defaults; a key taken twice is a bug in a provider. */
  Map<String, String> keys(Set<String> generic) {
    Map<String, String> all = new LinkedHashMap<>();
    for (var k : kinds) {
      k.keys()
          .forEach(
              (key, value) -> {
                if (generic.contains(key) || all.putIfAbsent(key, value) != null) {
                  throw new IllegalStateException(
                      "backend kind '" + k.kind() + "' declares the key " + key + " a second time");
                }
              });
    }
    return all;
  }

  /** Each kind's values as loaded, checked by the kind itself (its errors join {@code errors}). */
  Map<String, BackendSettings> settings(
      Map<String, String> values, Map<String, String> sources, List<String> errors) {
    Map<String, BackendSettings> out = new LinkedHashMap<>();
    for (var k : kinds) {
      Map<String, String> own = new LinkedHashMap<>();
      Map<String, String> from = new LinkedHashMap<>();
      for (String key : k.keys().keySet()) {
        own.put(key, values.get(key));
        from.put(key, sources.get(key));
      }
      var settings = new BackendSettings(k.kind(), own, from, k.keys());
      List<String> kindErrors = new ArrayList<>();
      k.check(settings, kindErrors);
      errors.addAll(kindErrors);
      out.put(k.kind(), settings);
    }
    return out;
  }
}
