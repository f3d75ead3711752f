package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.PreflightProblem;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import java.util.ArrayList;
import java.util.List;

/**
 * What the local backend cannot give a template's extra containers, told before anything is made.
 *
 * <p>{@code workspace: {readOnly: true}} is refused, at create and at every start: a read-only
 * mount promises that the container cannot change the workspace, and a local container is a process
 * of Berth's own user in the workspace itself (no mount namespace, no other user to run it as), so
 * nothing could keep that promise; running it writable would break it silently, as running a
 * sandboxed template without its sandbox would ({@link LocalSandbox}). A command the host lacks is
 * refused as for the app ({@link LocalCommands}); ports as {@link LocalAddresses} says. {@code
 * image}, {@code user} and {@code resources} are not used here, as the app's are not.
 */
final class LocalContainerChecks {
  private LocalContainerChecks() {}

  static List<PreflightProblem> preflight(Template t, String managerPath) {
    List<PreflightProblem> problems = new ArrayList<>();
    for (SessionContainer c : t.containers().inStartOrder()) {
      if (c.readOnly()) {
        problems.add(new PreflightProblem.Unmet(readOnlyRefusal(t, c)));
      }
      List<String> argv = c.command().isEmpty() ? LocalContainers.KEEP_ALIVE : c.command();
      String path = c.env().getOrDefault("PATH", managerPath == null ? "" : managerPath);
      LocalCommands.missing(argv.getFirst(), path)
          .ifPresent(
              why ->
                  problems.add(
                      new PreflightProblem.Unmet(
                          "container '"
                              + c.type()
                              + "' of template '"
                              + t.name()
                              + "' runs "
                              + argv.getFirst()
                              + ", which "
                              + why
                              + " on this host (the local backend runs it as a host process):"
                              + " install it, or change its command, or use a container"
                              + " backend")));
    }
    problems.addAll(LocalAddresses.preflight(t));
    return problems;
  }

  /** The read-only refusal of a start that was not preflighted (the template changed since). */
  static void require(Template t) {
    for (SessionContainer c : t.containers().inStartOrder()) {
      if (c.readOnly()) {
        throw new BerthException(ErrorCode.PRECONDITION_FAILED, readOnlyRefusal(t, c));
      }
    }
  }

  private static String readOnlyRefusal(Template t, SessionContainer c) {
    return "container '"
        + c.type()
        + "' of template '"
        + t.name()
        + "' mounts the workspace read-only, which the local backend cannot enforce (its"
        + " containers are processes of Berth's own user in the workspace itself): remove"
        + " 'readOnly', or use the docker or kubernetes backend";
  }
}
