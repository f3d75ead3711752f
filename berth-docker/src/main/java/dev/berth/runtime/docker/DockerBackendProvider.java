package dev.berth.runtime.docker;

import dev.berth.config.BackendSettings;
import dev.berth.config.BackendSpec;
import dev.berth.config.BerthConfig;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.provider.Availability;
import dev.berth.runtime.provider.BackendContext;
import dev.berth.runtime.provider.BackendProvider;
import dev.berth.runtime.provider.BackendUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker backend: one container and one volume per session on a Docker engine. Chosen by {@code
 * backend: auto} before local whenever an engine answers; named backends of this kind reach other
 * engines (see {@link NamedDockerBackends}).
 */
public final class DockerBackendProvider implements BackendProvider {
  @Override
  public String kind() {
    return "docker";
  }

  @Override
  public Map<String, String> keys() {
    return DockerSettings.KEYS;
  }

  @Override
  public boolean namedBackends() {
    return true;
  }

  @Override
  public void check(BackendSettings settings, List<String> errors) {
    DockerSettings.read(settings, errors);
  }

  /** Above local: an engine that answers is the better place for sessions (they are isolated). */
  @Override
  public int priority() {
    return 10;
  }

  @Override
  public boolean alwaysPresent() {
    return false;
  }

  @Override
  public Availability availability(BackendSettings settings, Map<String, String> env) {
    String host = DockerSettings.of(settings).host();
    var socket = DockerEngineCheck.socket(host, env);
    if (socket.isEmpty()) {
      // A tcp:// engine: said with where its address came from, and whether anything listens
      // there (TLS and the API itself are the server's to check when it opens the backend).
      String remote = host.isBlank() ? env.getOrDefault("DOCKER_HOST", "") : host;
      String from = host.isBlank() ? "DOCKER_HOST" : "dockerHost";
      return new Availability(
          false, "remote engine " + remote + " (" + from + "): " + reach(remote));
    }
    return DockerEngineCheck.problem(socket.get())
        .map(p -> new Availability(false, "not available: " + p))
        .orElseGet(() -> new Availability(true, "answers at " + socket.get()));
  }

  /** Whether a TCP connect to a tcp:// engine address succeeds, within 2 s. */
  private static String reach(String address) {
    try {
      java.net.URI uri = java.net.URI.create(address);
      if (uri.getHost() == null || uri.getPort() < 0) {
        return "not a tcp://HOST:PORT address";
      }
      try (var socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
      }
      return "it accepts connections; the server checks the rest when it starts";
    } catch (IllegalArgumentException e) {
      return "not a tcp://HOST:PORT address";
    } catch (java.io.IOException e) {
      return "nothing answers there: start the engine, or set DOCKER_HOST to one that runs";
    }
  }

  @Override
  public SessionRuntime open(BackendContext context) {
    BerthConfig config = context.config();
    DockerSettings settings = DockerSettings.of(config.backendSettings(kind()));
    String why;
    DockerRuntime docker = null;
    try {
      docker =
          new DockerRuntime(
              DockerEngine.connect(settings.host()),
              config.prefix(),
              context.instance(),
              DefaultImage.HOST_BUSYBOX,
              DockerSettings.networks(settings.networks()),
              sharedFiles(config),
              DockerSettings.publishPorts(settings.publishPorts()),
              DnsNames.keptIn(config.home()));
      docker
          .useEgressGate(context.egress())
          .useGvisorRuntime(settings.gvisorRuntime())
          .useSpoolDir(context.tmpDir());
      why = docker.ping();
    } catch (RuntimeException e) {
      why = e.getMessage();
    }
    if (why == null) {
      try {
        docker.refuseAnotherInstallation(config.home().toString());
      } catch (RuntimeException e) {
        docker.close();
        throw e;
      }
      docker.logSandboxes(kind());
      return docker;
    }
    if (docker != null) {
      docker.close();
    }
    throw new BackendUnavailableException(
        "no Docker engine answers: " + why,
        "start dockerd, set DOCKER_HOST or dockerHost, or use --backend local");
  }

  @Override
  public Map<String, SessionRuntime> openNamed(List<BackendSpec> specs, BackendContext context) {
    return new NamedDockerBackends(context).open(specs);
  }

  static SharedFiles sharedFiles(BerthConfig config) {
    return new SharedFiles(Optional.of(config.sharedFiles()), config.sharedFilesMount());
  }
}
