package dev.berth.runtime.local;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.PreflightProblem;
import dev.berth.template.ContainerDependency;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the local backend cannot give a template's extra containers, told before anything is made.
 *
 * <p>A local container is a process of Berth's own user on the host, in the workspace itself: no
 * image, no mount namespace, no other user to run it as. So two promises a container can ask for
 * are refused, at create and at every start, rather than broken silently (as running a sandboxed
 * template without its sandbox would be, {@link LocalSandbox}):
 *
 * <ul>
 *   <li>an image of its own, {@code image} or {@code template} (the image Berth builds from a
 *       template of the family): it says the container's programs and files are those of that
 *       image, not the host's, and running the command on the host instead would run other
 *       programs, or the same name with other versions. A container without either runs on the
 *       session's image, which on local is the host, as the app does (the template's own {@code
 *       image} is the container backends' and is not used here);
 *   <li>{@code workspace: {readOnly: true}}: nothing could keep the container from writing;
 *   <li>{@code after}'s waits ({@code ready}, {@code done}): local starts its containers in order
 *       and does not hold one back until another is ready or has ended (the Docker backend does);
 *       running it without the wait would let it read input that is not there yet. The list form,
 *       order only, is kept.
 * </ul>
 *
 * A command the host lacks is refused as for the app ({@link LocalCommands}); ports as {@link
 * LocalAddresses} says. {@code user} and {@code resources} are not used here, as the app's are not.
 */
final class LocalContainerChecks {
  private LocalContainerChecks() {}

  static List<PreflightProblem> preflight(Template t, String managerPath) {
    List<PreflightProblem> problems = new ArrayList<>();
    for (SessionContainer c : t.containers().inStartOrder()) {
      Optional<String> image = imageRefusal(t, c);
      image.ifPresent(why -> problems.add(new PreflightProblem.Unmet(why)));
      if (c.readOnly()) {
        problems.add(new PreflightProblem.Unmet(readOnlyRefusal(t, c)));
      }
      waitRefusal(t, c).ifPresent(why -> problems.add(new PreflightProblem.Unmet(why)));
      if (image.isPresent()) {
        continue; // its command is the image's, not one the host should have
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

  /**
   * The same refusals (image, read-only, waits) for a start that was not preflighted: the template
   * may have changed since the session was made.
   */
  static void require(Template t) {
    List<String> refused = new ArrayList<>();
    for (SessionContainer c : t.containers().inStartOrder()) {
      imageRefusal(t, c).ifPresent(refused::add);
      if (c.readOnly()) {
        refused.add(readOnlyRefusal(t, c));
      }
      waitRefusal(t, c).ifPresent(refused::add);
    }
    if (!refused.isEmpty()) {
      throw new BerthException(ErrorCode.PRECONDITION_FAILED, String.join("; ", refused));
    }
  }

  private static Optional<String> imageRefusal(Template t, SessionContainer c) {
    String whose = "container '" + c.type() + "' of template '" + t.name() + "'";
    String why =
        ", and the local backend runs no images (its containers are processes on this host): ";
    if (c.templateImage().isPresent()) {
      String named = c.templateImage().get().template();
      return Optional.of(
          whose
              + " runs the image Berth builds from template '"
              + named
              + "' (template: "
              + named
              + ")"
              + why
              + "create the session on the docker backend (allowedBackends: [docker] keeps the"
              + " template there), or remove 'template' to run the container's command on this"
              + " host");
    }
    return c.image()
        .map(
            image ->
                whose
                    + " runs the image '"
                    + image
                    + "' (image: "
                    + image
                    + ")"
                    + why
                    + "create the session on the docker or kubernetes backend, or remove 'image'"
                    + " to run the container's command on this host");
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

  private static Optional<String> waitRefusal(Template t, SessionContainer c) {
    for (ContainerDependency d : c.after()) {
      if (d.waits()) {
        String condition = d.condition().yamlName();
        return Optional.of(
            "container '"
                + c.type()
                + "' of template '"
                + t.name()
                + "' waits for '"
                + d.type()
                + "' to be "
                + condition
                + " (after: {"
                + d.type()
                + ": "
                + condition
                + "}), which the local backend does not do (it starts its containers in order"
                + " without waiting): use after's list form and let '"
                + c.type()
                + "' wait for its input itself, or create the session on the docker backend");
      }
    }
    return Optional.empty();
  }
}
