package dev.berth.runtime.kubernetes;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a session's app ports are reached ({@code kubernetesEndpoints}): through the Service's
 * cluster DNS name, through a port-forward that Berth opens on 127.0.0.1, or whichever fits where
 * Berth runs.
 */
public enum EndpointMode {
  /** {@code http://<name>.<namespace>.svc:<port>/}: for a Berth that runs in the cluster. */
  SERVICE("service"),
  /** {@code http://127.0.0.1:<local port>/}, a port-forward to the session's pod. */
  PORT_FORWARD("port-forward"),
  /** {@link #SERVICE} when Berth runs in a pod, else {@link #PORT_FORWARD}. */
  AUTO("auto");

  /** Set by Kubernetes in every pod's environment: how Berth tells it runs in a cluster. */
  public static final String IN_CLUSTER_ENV = "KUBERNETES_SERVICE_HOST";

  private final String key;

  EndpointMode(String key) {
    this.key = key;
  }

  /** The configuration value: {@code service}, {@code port-forward} or {@code auto}. */
  public String key() {
    return key;
  }

  /** The mode a configuration value names, empty when it names none. */
  public static Optional<EndpointMode> parse(String value) {
    return Arrays.stream(values())
        .filter(m -> m.key.equals(value == null ? "" : value.strip().toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  /** The allowed values, for error messages: {@code service, port-forward, auto}. */
  public static String allowed() {
    return String.join(", ", Arrays.stream(values()).map(EndpointMode::key).toList());
  }

  /** {@link #AUTO} made concrete for a process with environment {@code env}; others as they are. */
  public EndpointMode resolve(Map<String, String> env) {
    if (this != AUTO) {
      return this;
    }
    String host = env.get(IN_CLUSTER_ENV);
    return host != null && !host.isBlank() ? SERVICE : PORT_FORWARD;
  }
}
