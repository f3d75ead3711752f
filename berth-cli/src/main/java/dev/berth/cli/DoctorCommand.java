package dev.berth.cli;

import dev.berth.config.BackendSettings;
import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.provider.Availability;
import dev.berth.runtime.provider.BackendProvider;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.template.TemplateLoad;
import dev.berth.template.TemplateLoader;
import dev.berth.template.TemplateProblem;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
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
    out().printf("%-19s %s%n", what, problem.map(p -> "PROBLEM: " + p).orElse("ok: " + ok));
    problems |= problem.isPresent();
  }

  /**
   * One line per backend kind of this build, in its provider's words, and which one {@code auto}
   * would pick. A kind that does not apply here is no problem: another one runs the sessions.
   */
  private void backends(BackendProviders providers, BerthConfig config) {
    for (BackendProvider p : providers.all()) {
      // A configuration that does not load still lets each kind say what it sees with its defaults.
      BackendSettings settings =
          config != null
              ? config.backendSettings(p.kind())
              : BackendSettings.defaults(p.kind(), p.keys());
      Availability here = p.availability(settings, env);
      out()
          .printf(
              "%-19s %s%n", p.kind() + " backend", (here.applies() ? "ok: " : "") + here.reason());
    }
    if (config != null && config.backend().equals("auto") && config.backends().isEmpty()) {
      out()
          .printf(
              "%-19s %s%n",
              "backend auto",
              providers
                  .autoChoice(config, env)
                  .map(kind -> "uses the " + kind + " backend")
                  .orElse("finds no backend that applies here"));
    }
  }

  /** Each template that does not load is a problem: the server skips it (and says so). */
  private void templates(Path dir) {
    if (!Files.isDirectory(dir)) {
      check("templates", Optional.empty(), "no directory " + dir + " (only the built-in template)");
      return;
    }
    TemplateLoad load = TemplateLoader.loadReporting(dir);
    check(
        "templates",
        Optional.empty(),
        load.catalog().names().size() + " load from " + dir + " " + load.catalog().names());
    for (TemplateProblem p : load.problems()) {
      check(
          "template " + p.template(),
          Optional.of(
              "does not load ("
                  + p.file()
                  + "): "
                  + p.message()
                  + "; the server skips it: fix it, then 'berth templates check'"),
          "");
    }
  }

  @Override
  public void run() {
    out()
        .printf(
            "%-19s %s (%s)%n",
            "java", System.getProperty("java.version"), System.getProperty("java.home"));
    BackendProviders providers = BackendProviders.installed();
    BerthConfig config = null;
    try {
      config = ConfigLoader.load(ConfigLoader.home(env), env, Map.of(), providers.all());
      check(
          "configuration",
          Optional.empty(),
          "data directory " + config.home() + ", backend " + config.backend());
    } catch (RuntimeException e) {
      check("configuration", Optional.of(e.getMessage()), "");
    }
    backends(providers, config);
    if (config != null) {
      templates(config.templatesDir());
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
      out().printf("%-19s %s%n", "server", "not running: " + e.getMessage());
    }
    out().flush();
    if (problems) {
      throw new CliException("doctor found problems (see above)");
    }
  }
}
