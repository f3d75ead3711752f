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
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * Says what works here and, for what does not, why and what to do: one line per check, each ok, a
 * warning (works, but worth knowing) or a problem (something will fail). Exits 1 when there is a
 * problem, the server being down included; {@code --json} prints the checks as a JSON array.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check the configuration, the backends, the templates and the server.",
      "Each line is ok, a warning or a problem, with what to do; exits 1 on a problem (the server"
          + " down included)."
    })
final class DoctorCommand extends ClientCommand {
  private Map<String, String> env = Map.of();
  private final List<Check> checks = new ArrayList<>();

  /** One line of the report. */
  record Check(String check, String level, String message) {}

  @Override
  public void environment(Map<String, String> env) {
    super.environment(env);
    this.env = env;
  }

  private void ok(String what, String message) {
    checks.add(new Check(what, "ok", message));
  }

  private void warning(String what, String message) {
    checks.add(new Check(what, "warning", message));
  }

  private void problem(String what, String message) {
    checks.add(new Check(what, "problem", message));
  }

  /**
   * One line per backend kind of this build, in its provider's words. A kind that does not apply
   * here is a warning (another one runs the sessions), a problem when the configuration asks for
   * it; then which backend new sessions get and why.
   */
  private void backends(BackendProviders providers, BerthConfig config) {
    for (BackendProvider p : providers.all()) {
      // A configuration that does not load still lets each kind say what it sees with its defaults.
      BackendSettings settings =
          config != null
              ? config.backendSettings(p.kind())
              : BackendSettings.defaults(p.kind(), p.keys());
      Availability here = p.availability(settings, env);
      String what = p.kind() + " backend";
      if (here.applies()) {
        ok(what, here.reason());
      } else if (config != null && config.backend().equals(p.kind())) {
        problem(
            what, here.reason() + "; the configuration asks for it (backend: " + p.kind() + ")");
      } else {
        warning(what, here.reason());
      }
    }
    if (config == null) {
      return;
    }
    String source = env.containsKey("BERTH_BACKEND") ? "BERTH_BACKEND" : "berth.yaml or default";
    if (!config.backend().equals("auto")) {
      ok("backend", "new sessions use the " + config.backend() + " backend (" + source + ")");
    } else if (config.backends().isEmpty()) {
      providers
          .autoChoice(config, env)
          .ifPresentOrElse(
              kind -> ok("backend", "'auto' uses the " + kind + " backend"),
              () -> problem("backend", "'auto' finds no backend that applies here (see above)"));
    }
  }

  /** Each template that does not load is a problem: the server skips it (and says so). */
  private void templates(Path dir) {
    if (!Files.isDirectory(dir)) {
      ok("templates", "no directory " + dir + " (only the built-in template)");
      return;
    }
    TemplateLoad load = TemplateLoader.loadReporting(dir);
    ok(
        "templates",
        load.catalog().names().size() + " load from " + dir + " " + load.catalog().names());
    for (TemplateProblem p : load.problems()) {
      problem(
          "template " + p.template(),
          "does not load ("
              + p.file()
              + "): "
              + p.message()
              + "; the server skips it: fix it, then 'berth templates check'");
    }
  }

  /**
   * The Docker backend builds its default image from the host's static busybox: without one (or
   * with a dynamically linked one, which cannot run in an empty image) its first session fails.
   */
  private void busybox(boolean dockerMatters) {
    Path busybox = Path.of("/bin/busybox");
    String fix =
        "the Docker backend builds its default image from it (Debian: apt-get install"
            + " busybox-static)";
    if (!Files.isRegularFile(busybox)) {
      report(dockerMatters, "busybox", "no " + busybox + ": " + fix);
      return;
    }
    try (InputStream in = Files.newInputStream(busybox)) {
      String head = new String(in.readNBytes(8192), StandardCharsets.ISO_8859_1);
      if (head.contains("ld-linux") || head.contains("/lib/ld-") || head.contains("ld-musl")) {
        report(dockerMatters, "busybox", busybox + " is dynamically linked: " + fix);
      } else {
        ok("busybox", busybox + " is static (the Docker backend's default image)");
      }
    } catch (IOException e) {
      report(dockerMatters, "busybox", "cannot read " + busybox + ": " + fix);
    }
  }

  private void report(boolean asProblem, String what, String message) {
    if (asProblem) {
      problem(what, message);
    } else {
      warning(what, message);
    }
  }

  /** The server answers, and takes the token the CLI would send it. */
  private void server() {
    ApiClient client;
    try {
      client = client();
    } catch (CliException e) {
      problem("server", e.getMessage());
      return;
    }
    try {
      var health =
          ApiClient.readJson(
              client.send("GET", "/api/v1/health", HttpRequest.BodyPublishers.noBody(), null));
      ok(
          "server",
          client.baseUrl()
              + " answers (version "
              + health.path("version").asString("?")
              + ", backends "
              + health.path("backends")
              + ")");
    } catch (CliException e) {
      problem("server", "not running: " + e.getMessage());
      return;
    }
    String origin =
        env.getOrDefault("BERTH_TOKEN", "").isBlank()
            ? ConfigLoader.home(env).resolve("admin.token").toString()
            : "BERTH_TOKEN";
    if (client.token() == null) {
      problem("token", "none: there is no " + origin + " and BERTH_TOKEN is not set");
      return;
    }
    var r = client.send("GET", "/api/v1/templates", HttpRequest.BodyPublishers.noBody(), null);
    try {
      ApiClient.readJson(r);
      ok("token", "the server takes the token from " + origin);
    } catch (CliException e) {
      problem(
          "token",
          "the server refuses the token from "
              + origin
              + ": "
              + e.getMessage()
              + (origin.equals("BERTH_TOKEN")
                  ? "; unset BERTH_TOKEN to use the data directory's admin token, or set the right"
                      + " one"
                  : "; is BERTH_HOME the server's data directory?"));
    }
  }

  @Override
  public void run() {
    ok("java", System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")");
    BackendProviders providers = BackendProviders.installed();
    BerthConfig config = null;
    try {
      config = ConfigLoader.load(ConfigLoader.home(env), env, Map.of(), providers.all());
      ok("configuration", "data directory " + config.home() + ", backend " + config.backend());
    } catch (RuntimeException e) {
      problem("configuration", e.getMessage());
    }
    backends(providers, config);
    boolean docker =
        config != null
            && (config.backend().equals("docker")
                || (config.backend().equals("auto")
                    && providers.autoChoice(config, env).orElse("").equals("docker")));
    busybox(docker);
    if (config != null) {
      templates(config.templatesDir());
    }
    server();
    long problems = checks.stream().filter(c -> c.level().equals("problem")).count();
    if (json) {
      printJson(ApiClient.JSON.valueToTree(checks));
    } else {
      for (Check c : checks) {
        String level = c.level().equals("ok") ? "ok" : c.level().toUpperCase(java.util.Locale.ROOT);
        out().printf("%-19s %s: %s%n", c.check(), level, c.message());
      }
      out().flush();
    }
    if (problems > 0) {
      throw new CliException(
          json ? "" : "doctor found " + problems + " problem" + (problems == 1 ? "" : "s"));
    }
  }
}
