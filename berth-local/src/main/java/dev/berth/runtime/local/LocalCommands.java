package dev.berth.runtime.local;

import dev.berth.runtime.PreflightProblem;
import dev.berth.template.Template;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether a template's app command can run on this host, checked before a local session is made: a
 * local session runs its command as a host process, so a command written for a container image
 * ({@code /opt/conda/bin/jupyter}) that the host lacks would only fail at the start. A bare name is
 * looked up on the {@code PATH} the app gets (the template's {@code env}, else the manager's); an
 * absolute path must be an executable file; a relative path with a '/' is left alone (it is
 * relative to the workspace, which the project skeleton fills only at prepare).
 */
final class LocalCommands {
  private LocalCommands() {}

  static List<PreflightProblem> preflight(Template t, String managerPath) {
    if (!t.hasApp()) {
      return List.of();
    }
    String program = t.app().command().getFirst();
    String path = t.container().env().getOrDefault("PATH", managerPath == null ? "" : managerPath);
    return missing(program, path)
        .map(
            why ->
                List.<PreflightProblem>of(
                    new PreflightProblem.Unmet(
                        "template '"
                            + t.name()
                            + "' runs "
                            + program
                            + ", which "
                            + why
                            + " on this host (the local backend runs the command as a host"
                            + " process): install it, or change the template's command, or"
                            + " create the session on a container backend")))
        .orElse(List.of());
  }

  /** Why {@code program} cannot be started, or empty when it can (or cannot be told now). */
  static Optional<String> missing(String program, String path) {
    if (program.startsWith("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p)
          ? Optional.empty()
          : Optional.of("is not an executable file");
    }
    if (program.contains("/")) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.empty();
      }
    }
    return Optional.of("is not found on the PATH (" + path + ")");
  }
}
