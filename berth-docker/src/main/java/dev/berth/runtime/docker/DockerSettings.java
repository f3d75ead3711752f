package dev.berth.runtime.docker;

import dev.berth.config.BackendSettings;
import dev.berth.config.StrictObject;
import dev.berth.config.ValueParsers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Docker backend's top-level settings (the built-in {@code docker} backend's, and the defaults
 * of named ones); keys in the README's configuration reference.
 *
 * @param host the Docker engine to use ({@code unix://...} or {@code tcp://...}); empty: {@code
 *     DOCKER_HOST} (with {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}) or the default socket
 *     ({@code dockerHost})
 * @param networks how Docker sessions are kept apart: {@code shared} (one network with traffic
 *     between containers disabled) or {@code per-session} (a network each) ({@code dockerNetworks})
 * @param publishPorts whether app ports are published on the host's loopback: {@code auto} (only
 *     for a remote engine; a local one's containers are reached at their address), {@code always}
 *     or {@code never} ({@code dockerPublishPorts}; see {@link PortPublishing})
 * @param gvisorRuntime the engine runtime that runs sessions of templates with {@code sandbox:
 *     gvisor}, as the engine's daemon.json names it ({@code dockerGvisorRuntime})
 */
public record DockerSettings(
    String host, String networks, String publishPorts, String gvisorRuntime) {
  /** The keys, with their defaults. */
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("dockerHost", "");
    KEYS.put("dockerNetworks", "shared");
    KEYS.put("dockerPublishPorts", "auto");
    KEYS.put("dockerGvisorRuntime", SandboxRuntimes.DEFAULT_GVISOR);
  }

  /** The values {@code dockerNetworks} (and a named backend's {@code networks}) take. */
  static final List<String> NETWORKS = List.of("shared", "per-session");

  /** The values {@code dockerPublishPorts} (and a named backend's {@code publishPorts}) take. */
  static final List<String> PUBLISH_PORTS = List.of("auto", "always", "never");

  /** Reads the settings; each bad value adds an error that names its key and source. */
  static DockerSettings read(BackendSettings s, List<String> errors) {
    return new DockerSettings(
        s.raw("dockerHost"),
        s.parse(
            "dockerNetworks", v -> ValueParsers.oneOf(v, NETWORKS.toArray(String[]::new)), errors),
        s.parse(
            "dockerPublishPorts",
            v -> ValueParsers.oneOf(v, PUBLISH_PORTS.toArray(String[]::new)),
            errors),
        s.parse("dockerGvisorRuntime", DockerSettings::runtimeName, errors));
  }

  /** An engine runtime's name as daemon.json's {@code runtimes} keys it. */
  static String runtimeName(String v) {
    if (!v.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException(
          "must be a Docker runtime name (letters, digits, '.', '_', '-'), e.g. runsc");
    }
    return v;
  }

  /** Reads settings the loader has checked already. */
  public static DockerSettings of(BackendSettings s) {
    List<String> errors = new ArrayList<>();
    DockerSettings settings = read(s, errors);
    StrictObject.throwIfErrors("invalid configuration", errors);
    return settings;
  }

  static SessionNetworks networks(String setting) {
    return setting.equals("per-session")
        ? SessionNetworks.PER_SESSION
        : SessionNetworks.SHARED_NO_ICC;
  }

  static PortPublishing.Mode publishPorts(String setting) {
    return PortPublishing.Mode.of(setting.replace('-', '_'));
  }
}
