package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.server.DockerEngineCheck;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/** Says what works here and, for what does not, why and what to do. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Check the configuration, the backends and the server; say how to fix what is off.")
final class DoctorCommand extends ClientCommand {
  private Map<String, String> env = Map.of();
  private boolean problems;

  @Override
  public void environment(Map<String, String> env) {
    super.environment(env);
    this.env = env;
  }

  private void check(String what, Optional<String> problem, String ok) {
    out().printf("%-14s %s%n", what, problem.map(p -> "PROBLEM: " + p).orElse("ok: " + ok));
    problems |= problem.isPresent();
  }

  @Override
  public void run() {
    out()
        .printf(
            "%-14s %s (%s)%n",
            "java", System.getProperty("java.version"), System.getProperty("java.home"));
    BerthConfig config = null;
    try {
      config = ConfigLoader.load(ConfigLoader.home(env), env, Map.of());
      check(
          "configuration",
          Optional.empty(),
          "data directory " + config.home() + ", backend " + config.backend());
    } catch (RuntimeException e) {
      check("configuration", Optional.of(e.getMessage()), "");
    }
    check(
        "local backend",
        Optional.empty(),
        "always available (processes on this machine, no isolation)");
    String dockerHost = config == null ? "" : config.dockerHost();
    var socket = DockerEngineCheck.socket(dockerHost, env);
    if (socket.isPresent()) {
      Optional<String> engine = DockerEngineCheck.problem(socket.get());
      out()
          .printf(
              "%-14s %s%n",
              "docker engine",
              engine
                  .map(p -> "not available: " + p + "; 'auto' uses the local backend")
                  .orElse("answers at " + socket.get() + "; 'auto' uses the Docker backend"));
    } else {
      out()
          .printf(
              "%-14s %s%n", "docker engine", "remote (" + dockerHost + "); checked by the server");
    }
    ApiClient client = client();
    try {
      var r = client.send("GET", "/api/v1/health", HttpRequest.BodyPublishers.noBody(), null);
      var health = ApiClient.readJson(r);
      check(
          "server",
          Optional.empty(),
          client.baseUrl()
              + " answers (version "
              + health.get("version").asString()
              + ", backends "
              + health.get("backends")
              + ")");
    } catch (CliException e) {
      out().printf("%-14s %s%n", "server", "not running: " + e.getMessage());
    }
    out().flush();
    if (problems) {
      throw new CliException("doctor found problems (see above)");
    }
  }
}
