package dev.berth.cli;

import dev.berth.config.ConfigLoader;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.template.Template;
import dev.berth.template.TemplateLoad;
import dev.berth.template.TemplateLoader;
import dev.berth.template.TemplateProblem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code berth templates check [DIR]}: reads a templates directory as the server would, without a
 * server, and says for each template that it loads or what to fix in which file. Exit code 1 when
 * any template does not load, so it can guard a deployment or a commit hook.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Check a templates directory without a server; exits 1 on a problem.",
      "Each template OK, or its file and what to fix there."
    })
final class TemplatesCheckCommand implements Runnable, BerthCli.Environment {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "DIR",
      description = "the templates directory (default: the configured one, BERTH_HOME/templates)")
  Path dir;

  private Map<String, String> env = Map.of();

  @Override
  public void environment(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void run() {
    Path templates = dir != null ? dir : configuredDirectory(env);
    if (!Files.isDirectory(templates)) {
      throw new CliException(
          "templates directory " + templates + " does not exist (give the directory to check)");
    }
    PrintWriter out = spec.commandLine().getOut();
    int problems = print(out, templates, TemplateLoader.loadReporting(templates));
    out.flush();
    if (problems > 0) {
      throw new CliException(
          problems
              + " template"
              + (problems == 1 ? " does" : "s do")
              + " not load; fix what is listed above and check again");
    }
  }

  /** Prints one line per template (and each problem's errors); returns how many do not load. */
  static int print(PrintWriter out, Path dir, TemplateLoad load) {
    out.println("templates in " + dir + ":");
    for (Template t : load.catalog().all()) {
      out.printf("  OK       %s%s%n", t.name(), t.directory().isEmpty() ? " (built in)" : "");
    }
    for (TemplateProblem p : load.problems()) {
      out.printf("  PROBLEM  %s  %s%n", p.template(), p.file());
      for (String error : p.errors()) {
        out.println("             - " + error);
      }
    }
    return load.problems().size();
  }

  /** The templates directory the configuration names (as {@code berth serve} would read it). */
  static Path configuredDirectory(Map<String, String> env) {
    try {
      return ConfigLoader.load(
              ConfigLoader.home(env), env, Map.of(), BackendProviders.installed().all())
          .templatesDir();
    } catch (RuntimeException e) {
      throw new CliException(
          "cannot read the configuration to find the templates directory ("
              + e.getMessage()
              + "); give the directory: berth templates check DIR");
    }
  }
}
