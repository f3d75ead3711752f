package dev.berth.cli;

import dev.berth.config.BackendSpec;
import dev.berth.config.BerthConfig;
import dev.berth.config.KubernetesSettings;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.docker.DockerEndpoint;
import dev.berth.runtime.docker.DockerRuntime;
import dev.berth.runtime.docker.SessionNetworks;
import dev.berth.runtime.docker.SharedFiles;
import dev.berth.runtime.kubernetes.EndpointMode;
import dev.berth.runtime.kubernetes.KubernetesOptions;
import dev.berth.runtime.kubernetes.KubernetesRuntime;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.server.BackendChooser;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which backends a Berth runs. The local backend is always there (sessions may ask for it by name).
 * Without named backends, Docker joins it, as the default, when {@code backend} is {@code docker},
 * or {@code auto} and an engine answers; Kubernetes, as the default, when {@code backend} is {@code
 * kubernetes}. With named backends ({@code backends:} in berth.yaml) each is made from its
 * settings, and {@code backend} names the default ({@code auto}: the first).
 */
final class Backends {
  private Backends() {}

  static BackendChooser chooser() {
    return Backends::choose;
  }

  private static dev.berth.runtime.Backends choose(
      BerthConfig config, String instance, PrintStream out) {
    Map<String, SessionRuntime> runtimes = new LinkedHashMap<>();
    runtimes.put("local", new LocalRuntime(config.localSessionsDir(), instance));
    if (!config.backends().isEmpty()) {
      return named(config, instance, out, runtimes);
    }
    if (config.backend().equals("local")) {
      return new dev.berth.runtime.Backends(runtimes, "local");
    }
    if (config.backend().equals("kubernetes")) {
      KubernetesRuntime k8s = kubernetes(config.kubernetes(), config, instance);
      String why = k8s.ping();
      if (why != null) {
        k8s.close();
        throw new IllegalStateException(
            "backend 'kubernetes' is configured, but the API server does not let Berth list pods"
                + " in namespace "
                + config.kubernetes().namespace()
                + ": "
                + why
                + " (check kubeconfig/kubernetesContext, the namespace and Berth's Role)");
      }
      runtimes.put("kubernetes", k8s);
      return new dev.berth.runtime.Backends(runtimes, "kubernetes");
    }
    String why;
    DockerRuntime docker = null;
    try {
      docker =
          new DockerRuntime(
              config.dockerHost(),
              config.prefix(),
              instance,
              networks(config.dockerNetworks()),
              sharedFiles(config));
      why = docker.ping();
    } catch (RuntimeException e) {
      why = e.getMessage();
    }
    if (why == null) {
      runtimes.put("docker", docker);
      return new dev.berth.runtime.Backends(runtimes, "docker");
    }
    if (docker != null) {
      docker.close();
    }
    if (config.backend().equals("docker")) {
      throw new IllegalStateException(
          "backend 'docker' is configured, but no Docker engine answers: "
              + why
              + " (start dockerd, set DOCKER_HOST or dockerHost, or use --backend local)");
    }
    out.println("  backend auto: no Docker engine answers (" + why + "); using local");
    return new dev.berth.runtime.Backends(runtimes, "local");
  }

  private static dev.berth.runtime.Backends named(
      BerthConfig config, String instance, PrintStream out, Map<String, SessionRuntime> runtimes) {
    Map<String, String> engines = new HashMap<>();
    try {
      for (BackendSpec spec : config.backends()) {
        SessionRuntime runtime =
            switch (spec.kind()) {
              case "docker" -> docker(spec, config, instance, out, engines);
              case "kubernetes" -> namedKubernetes(spec, config, instance, out);
              default ->
                  throw new IllegalStateException(
                      "backend '"
                          + spec.name()
                          + "': kind '"
                          + spec.kind()
                          + "' is not in this build of Berth");
            };
        runtimes.put(spec.name(), runtime);
      }
    } catch (RuntimeException e) {
      runtimes.values().forEach(SessionRuntime::close);
      throw e;
    }
    String chosen = config.backend();
    if (chosen.equals("auto")) {
      chosen = config.backends().get(0).name();
    } else if (chosen.equals("docker") || chosen.equals("kubernetes")) {
      runtimes.values().forEach(SessionRuntime::close);
      throw new IllegalStateException(
          "backend '"
              + chosen
              + "' is a built-in one, which named backends replace: set backend to one of "
              + new ArrayList<>(runtimes.keySet()));
    }
    return new dev.berth.runtime.Backends(runtimes, chosen);
  }

  private static final Set<String> DOCKER_SETTINGS =
      Set.of("host", "tlsVerify", "certPath", "networks");

  private static DockerRuntime docker(
      BackendSpec spec,
      BerthConfig config,
      String instance,
      PrintStream out,
      Map<String, String> engines) {
    checkSettings(spec, DOCKER_SETTINGS);
    String tls = spec.setting("tlsVerify").orElse("false");
    if (!tls.equals("true") && !tls.equals("false")) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': tlsVerify must be true or false, not '" + tls + "'");
    }
    String networks = spec.setting("networks").orElse(config.dockerNetworks());
    if (!networks.equals("shared") && !networks.equals("per-session")) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': networks must be shared or per-session");
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
            endpoint, config.prefix(), instance, networks(networks), sharedFiles(config));
    String why = runtime.ping();
    if (why != null) {
      // Start anyway: one engine down must not keep the others' sessions from being served.
      out.println(
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
    return runtime;
  }

  /** The Kubernetes runtime these settings describe (it connects lazily; see ping). */
  private static KubernetesRuntime kubernetes(
      KubernetesSettings k, BerthConfig config, String instance) {
    var options =
        KubernetesOptions.defaults(k.namespace(), config.prefix(), instance)
            .withDefaultImage(k.image())
            .withStorage(Optional.of(k.storageClass()), k.workspaceSize())
            .withNetworkPolicy(k.networkPolicy())
            .withEndpoints(
                EndpointMode.parse(k.endpoints())
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "kubernetesEndpoints must be one of "
                                    + EndpointMode.allowed()
                                    + ", got '"
                                    + k.endpoints()
                                    + "'")));
    return KubernetesRuntime.connect(
        Optional.of(k.kubeconfig()).filter(s -> !s.isBlank()).map(Path::of),
        Optional.of(k.context()).filter(s -> !s.isBlank()),
        options);
  }

  private static final Set<String> KUBERNETES_SETTINGS =
      Set.of(
          "namespace",
          "kubeconfig",
          "context",
          "image",
          "storageClass",
          "workspaceSize",
          "networkPolicy",
          "endpoints");

  /** A named Kubernetes backend: its settings over the kubernetes* keys' values. */
  private static KubernetesRuntime namedKubernetes(
      BackendSpec spec, BerthConfig config, String instance, PrintStream out) {
    checkSettings(spec, KUBERNETES_SETTINGS);
    String policy = spec.setting("networkPolicy").orElse(config.kubernetes().networkPolicy() + "");
    if (!policy.equals("true") && !policy.equals("false")) {
      throw new IllegalStateException(
          "backend '" + spec.name() + "': networkPolicy must be true or false");
    }
    String endpoints = spec.setting("endpoints").orElse(config.kubernetes().endpoints());
    if (EndpointMode.parse(endpoints).isEmpty()) {
      throw new IllegalStateException(
          "backend '"
              + spec.name()
              + "': endpoints must be one of "
              + EndpointMode.allowed()
              + ", got '"
              + endpoints
              + "'");
    }
    KubernetesSettings base = config.kubernetes();
    var k =
        new KubernetesSettings(
            spec.setting("namespace").orElse(base.namespace()),
            spec.setting("kubeconfig").orElse(base.kubeconfig()),
            spec.setting("context").orElse(base.context()),
            spec.setting("image").orElse(base.image()),
            spec.setting("storageClass").orElse(base.storageClass()),
            spec.setting("workspaceSize").orElse(base.workspaceSize()),
            policy.equals("true"),
            endpoints);
    KubernetesRuntime runtime = kubernetes(k, config, instance);
    String why = runtime.ping();
    if (why != null) {
      // Start anyway, as for Docker: one cluster down must not stop the other backends.
      out.println(
          "  backend "
              + spec.name()
              + ": the API server does not answer in namespace "
              + k.namespace()
              + " ("
              + why
              + "); retrying later");
    }
    return runtime;
  }

  /** Unknown settings are an error that names them and the ones this kind takes. */
  private static void checkSettings(BackendSpec spec, Set<String> known) {
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

  private static SharedFiles sharedFiles(BerthConfig config) {
    return new SharedFiles(Optional.of(config.sharedFiles()), config.sharedFilesMount());
  }

  private static SessionNetworks networks(String setting) {
    return setting.equals("per-session")
        ? SessionNetworks.PER_SESSION
        : SessionNetworks.SHARED_NO_ICC;
  }
}
