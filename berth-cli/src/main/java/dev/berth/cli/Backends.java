package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.config.KubernetesSettings;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.docker.DockerRuntime;
import dev.berth.runtime.docker.SessionNetworks;
import dev.berth.runtime.kubernetes.KubernetesOptions;
import dev.berth.runtime.kubernetes.KubernetesRuntime;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.server.BackendChooser;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which backends a Berth runs. The local backend is always there (sessions may ask for it by name);
 * Docker joins it, as the default, when {@code backend} is {@code docker}, or {@code auto} and an
 * engine answers; Kubernetes, as the default, when {@code backend} is {@code kubernetes}.
 */
final class Backends {
  private Backends() {}

  static BackendChooser chooser() {
    return Backends::choose;
  }

  /**
   * The Kubernetes runtime the configuration describes; fails when its API server does not answer.
   */
  private static KubernetesRuntime kubernetes(BerthConfig config, String instance) {
    KubernetesSettings k = config.kubernetes();
    var options =
        KubernetesOptions.defaults(k.namespace(), config.prefix(), instance)
            .withDefaultImage(k.image())
            .withStorage(Optional.of(k.storageClass()), k.workspaceSize())
            .withNetworkPolicy(k.networkPolicy());
    KubernetesRuntime runtime =
        KubernetesRuntime.connect(
            Optional.of(k.kubeconfig()).filter(s -> !s.isBlank()).map(Path::of),
            Optional.of(k.context()).filter(s -> !s.isBlank()),
            options);
    String why = runtime.ping();
    if (why != null) {
      runtime.close();
      throw new IllegalStateException(
          "backend 'kubernetes' is configured, but the API server does not let Berth list pods in"
              + " namespace "
              + k.namespace()
              + ": "
              + why
              + " (check kubeconfig/kubernetesContext, the namespace and Berth's Role)");
    }
    return runtime;
  }

  private static dev.berth.session.Backends choose(
      BerthConfig config, String instance, PrintStream out) {
    Map<String, SessionRuntime> runtimes = new LinkedHashMap<>();
    runtimes.put("local", new LocalRuntime(config.localSessionsDir(), instance));
    if (config.backend().equals("local")) {
      return new dev.berth.session.Backends(runtimes, "local");
    }
    if (config.backend().equals("kubernetes")) {
      runtimes.put("kubernetes", kubernetes(config, instance));
      return new dev.berth.session.Backends(runtimes, "kubernetes");
    }
    String why;
    DockerRuntime docker = null;
    try {
      var networks =
          config.dockerNetworks().equals("per-session")
              ? SessionNetworks.PER_SESSION
              : SessionNetworks.SHARED_NO_ICC;
      docker = new DockerRuntime(config.dockerHost(), config.prefix(), instance, networks);
      why = docker.ping();
    } catch (RuntimeException e) {
      why = e.getMessage();
    }
    if (why == null) {
      runtimes.put("docker", docker);
      return new dev.berth.session.Backends(runtimes, "docker");
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
    return new dev.berth.session.Backends(runtimes, "local");
  }
}
