package dev.berth.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One backend kind's top-level settings as written ({@code dockerHost: tcp://...} in berth.yaml,
 * {@code BERTH_DOCKER_HOST}, a flag, or the default), unparsed: the loader only knows which keys
 * belong to which kind; the kind's own module parses them. Each value keeps where it came from, so
 * that an error can name its key and source the way every other configuration error does.
 *
 * @param kind the backend kind these keys belong to
 * @param values every key of the kind, by its YAML name
 * @param sources where each value came from ({@code BERTH_KUBERNETES_NAMESPACE}, {@code
 *     /home/u/.berth/berth.yaml: kubernetesNamespace}, {@code default kubernetesNamespace})
 * @param defaults the kind's defaults, used in place of a bad value so that one bad value gives one
 *     error, not a cascade
 */
public record BackendSettings(
    String kind,
    Map<String, String> values,
    Map<String, String> sources,
    Map<String, String> defaults) {
  public BackendSettings {
    values = Map.copyOf(values);
    sources = Map.copyOf(sources);
    defaults = Map.copyOf(defaults);
  }

  /** Only the defaults: what a kind reads when nothing was configured. */
  public static BackendSettings defaults(String kind, Map<String, String> defaults) {
    Map<String, String> sources = new LinkedHashMap<>();
    defaults.keySet().forEach(k -> sources.put(k, "default " + k));
    return new BackendSettings(kind, defaults, sources, defaults);
  }

  /** The value of {@code key} as written; IllegalArgumentException for a key the kind lacks. */
  public String raw(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException(kind + " backends have no setting " + key);
    }
    return v;
  }

  /**
   * Parses {@code key}. A failure adds {@code <source>='<value>': <message>} to {@code errors} and
   * yields the default's value, so that parsing goes on and every bad value is reported at once.
   */
  public <T> T parse(String key, Function<String, T> parser, List<String> errors) {
    String value = raw(key);
    try {
      return parser.apply(value);
    } catch (RuntimeException e) {
      errors.add(sources.get(key) + "='" + value + "': " + e.getMessage());
      return parser.apply(defaults.get(key));
    }
  }
}
