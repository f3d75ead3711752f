package dev.berth.runtime.docker;

import dev.berth.runtime.PreflightProblem;
import dev.berth.template.Template;
import java.util.Optional;

/**
 * A template's {@code nonRoot: true} on Docker: its sessions' processes run as the template's
 * {@code user}, else the image's configured user, and either must be a uid above 0. Without
 * user-namespace remapping on the engine a container's uid 0 is the host's root, kept in only by
 * the container's hardening. The check runs before anything is made, from the template and the
 * image's configuration alone, so a user given by name (which only the image's {@code /etc/passwd}
 * could turn into a uid) is refused with how to write it as a number, as on Kubernetes.
 */
final class NonRootUser {
  private NonRootUser() {}

  /**
   * @param imageUser the image's configured user ({@code USER} in its Dockerfile), empty for none
   */
  static Optional<PreflightProblem> problem(Template t, String imageUser) {
    if (!t.container().nonRoot()) {
      return Optional.empty();
    }
    Optional<String> own = t.container().user().filter(u -> !u.isBlank());
    String user = own.orElse(imageUser == null ? "" : imageUser.strip());
    String whose =
        own.isPresent()
            ? "its user '" + user + "'"
            : user.isEmpty() ? "its image sets no user, so it" : "its image's user '" + user + "'";
    String name = user.split(":", 2)[0];
    Long uid = null;
    try {
      uid = Long.parseLong(name);
    } catch (NumberFormatException e) {
      // a name, or nothing: below
    }
    if (name.isEmpty() || name.equals("root") || uid != null && uid <= 0) {
      return Optional.of(
          unmet(
              t,
              whose
                  + " runs as root (uid 0): set the template's user to a uid above 0, e.g."
                  + " 1000:1000"));
    }
    if (uid == null) {
      return Optional.of(
          unmet(
              t,
              whose
                  + " is a name, whose uid only the image's /etc/passwd knows: give it as"
                  + " uid[:gid] in the template's user, e.g. 1000:1000"));
    }
    return Optional.empty();
  }

  private static PreflightProblem unmet(Template t, String why) {
    return new PreflightProblem.Unmet(
        "template '" + t.name() + "' requires a non-root user (nonRoot: true), but " + why);
  }
}
