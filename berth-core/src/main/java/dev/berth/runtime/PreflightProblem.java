package dev.berth.runtime;

/**
 * Something {@link SessionRuntime#preflight} found that would keep a new session from being made or
 * from starting on that backend. Sealed: the one problem Berth can fix by itself (an image it
 * builds that is not built yet) is told apart from every other, which only the user can fix.
 */
public sealed interface PreflightProblem {

  /** One sentence for the user: what is wrong and what to run or change. */
  String message();

  /**
   * The template's image is one Berth builds from a Dockerfile, and the engine does not have it.
   *
   * @param template the template whose folder holds the Dockerfile (the image's owner: the
   *     session's template or an ancestor); building it is {@code berth images build <template>}
   * @param image the reference the session would run, e.g. {@code berth/jupyter:latest}
   */
  record ImageNotBuilt(String template, String image) implements PreflightProblem {
    @Override
    public String message() {
      return "image " + image + " (built from template '" + template + "') is not built yet";
    }
  }

  /**
   * The backend cannot run the template's sandbox (a Docker engine without the gVisor runtime, the
   * local backend, which runs plain host processes). Unlike the other problems this one stops every
   * start of the template's sessions, not only a create, so a start checks for it too.
   *
   * @param sandbox what the template asks for, e.g. {@code gvisor}
   * @param message what is missing and how to add it (or which backend to use instead)
   */
  record SandboxUnavailable(String sandbox, String message) implements PreflightProblem {}

  /** Anything else, in the backend's words; {@code message} says what to fix. */
  record Unmet(String message) implements PreflightProblem {}
}
