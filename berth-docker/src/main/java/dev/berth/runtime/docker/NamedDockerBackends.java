package dev.berth.runtime.docker;

import dev.berth.config.BackendSpec;
import dev.berth.config.BerthConfig;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.provider.BackendContext;
import dev.berth.runtime.provider.BackendSettingNames;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Named Docker backends ({@code gpu-box: {kind: docker, host: tcp://10.0.0.7:2376, ...}}): each
 * reaches exactly the engine its settings name, ignoring the {@code DOCKER_*} variables, and no two
 * may reach the same engine.
 */
final class NamedDockerBackends {
  private static final Set<String> SETTINGS =
      Set.of("host", "tlsVerify", "certPath", "networks", "publishPorts", "gvisorRuntime");

  private final BackendContext context;
  private final BerthConfig config;
  private final DockerSettings defaults;

  /**
   * Engine id to the backend that reaches it: two on one engine would take each other's sessions.
   */
  private final Map<String, String> engines = new HashMap<>();

  NamedDockerBackends(BackendContext context) {
    this.context = context;
    this.config = context.config();
    this.defaults = DockerSettings.of(config.backendSettings("docker"));
  }

  Map<String, SessionRuntime> open(List<BackendSpec> specs) {
    Map<String, SessionRuntime> runtimes = new LinkedHashMap<>();
    try {
      for (BackendSpec spec : specs) {
        runtimes.put(spec.name(), open(spec));
      }
    } catch (RuntimeException e) {
      runtimes.values().forEach(SessionRuntime::close);
      throw e;
    }
    return runtimes;
  }

  private DockerRuntime open(BackendSpec spec) {
    BackendSettingNames.check(spec, SETTINGS);
    String tls = spec.setting("tlsVerify").orElse("false");
    if (!tls.equals("true") && !tls.equals("false")) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': tlsVerify must be true or false, not '" + tls + "'");
    }
    String networks = spec.setting("networks").orElse(defaults.networks());
    if (!DockerSettings.NETWORKS.contains(networks)) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': networks must be shared or per-session");
    }
    String publishPorts = spec.setting("publishPorts").orElse(defaults.publishPorts());
    if (!DockerSettings.PUBLISH_PORTS.contains(publishPorts)) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': publishPorts must be auto, always or never");
    }
    String gvisor = spec.setting("gvisorRuntime").orElse(defaults.gvisorRuntime());
    try {
      DockerSettings.runtimeName(gvisor);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': gvisorRuntime " + e.getMessage());
    }
    DockerEndpoint endpoint;
    try {
      endpoint =
          new DockerEndpoint(
              spec.setting("host").orElse("unix:///var/run/docker.sock"),
              tls.equals("true"),
              spec.setting("certPath"));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("backend '" + spec.name() + "': " + e.getMessage());
    }
    var runtime =
        new DockerRuntime(
            DockerEngine.connectTo(endpoint),
            config.prefix(),
            context.instance(),
            DefaultImage.HOST_BUSYBOX,
            DockerSettings.networks(networks),
            DockerBackendProvider.sharedFiles(config),
            DockerSettings.publishPorts(publishPorts),
            DnsNames.keptIn(config.home()));
    runtime.useEgressGate(context.egress()).useGvisorRuntime(gvisor).useSpoolDir(context.tmpDir());
    String why = runtime.ping();
    if (why != null) {
      // Start anyway: one engine down must not keep the others' sessions from being served.
      context
          .out()
          .println(
              "  backend "
                  + spec.name()
                  + ": its engine does not answer ("
                  + why
                  + "); retrying later");
      return runtime;
    }
    String id = runtime.engineId();
    Optional<String> twin = Optional.ofNullable(engines.putIfAbsent(id, spec.name()));
    if (twin.isPresent()) {
      runtime.close();
      throw new IllegalStateException(
          "backends '"
              + twin.get()
              + "' and '"
              + spec.name()
              + "' reach the same Docker engine; each engine may be one backend only (they would"
              + " take each other's sessions for orphans)");
    }
    try {
      runtime.refuseAnotherInstallation(config.home().toString());
    } catch (RuntimeException e) {
      runtime.close();
      throw new IllegalStateException("backend '" + spec.name() + "': " + e.getMessage(), e);
    }
    runtime.logSandboxes(spec.name());
    return runtime;
  }
}
