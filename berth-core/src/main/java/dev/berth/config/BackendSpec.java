package dev.berth.config;

import java.util.Map;
import java.util.Optional;

/**
 * One named backend from {@code berth.yaml}'s {@code backends:} mapping, e.g. {@code gpu-box:
 * {kind: docker, host: tcp://10.0.0.7:2376, tlsVerify: true, certPath: /etc/berth/gpu}}. The
 * settings are checked by the module that makes the runtime, which knows which keys its kind takes.
 *
 * @param name what sessions, templates and requests call it
 * @param kind {@code docker} or {@code kubernetes}
 * @param settings the kind's settings, as written
 */
public record BackendSpec(String name, String kind, Map<String, String> settings) {
  public BackendSpec {
    settings = Map.copyOf(settings);
  }

  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
  }
}
