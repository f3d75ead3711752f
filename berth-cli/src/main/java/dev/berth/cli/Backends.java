package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.docker.DockerRuntime;
import dev.berth.runtime.docker.SessionNetworks;
import dev.berth.runtime.docker.SharedFiles;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.server.BackendChooser;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which backends a Berth runs. The local backend is always there (sessions may ask for it by name);
 * Docker joins it, as the default, when {@code backend} is {@code docker}, or {@code auto} and an
 * engine answers.
 */
final class Backends {
  private Backends() {}

  static BackendChooser chooser() {
    return Backends::choose;
  }

  private static dev.berth.session.Backends choose(
      BerthConfig config, String instance, PrintStream out) {
    Map<String, SessionRuntime> runtimes = new LinkedHashMap<>();
    runtimes.put("local", new LocalRuntime(config.localSessionsDir(), instance));
    if (config.backend().equals("local")) {
      return new dev.berth.session.Backends(runtimes, "local");
    }
    String why;
    DockerRuntime docker = null;
    try {
      var networks =
          config.dockerNetworks().equals("per-session")
              ? SessionNetworks.PER_SESSION
              : SessionNetworks.SHARED_NO_ICC;
      var shared = new SharedFiles(Optional.of(config.sharedFiles()), config.sharedFilesMount());
      docker = new DockerRuntime(config.dockerHost(), config.prefix(), instance, networks, shared);
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
