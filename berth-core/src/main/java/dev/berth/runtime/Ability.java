package dev.berth.runtime;

/**
 * What a runtime can do beyond the core lifecycle and workspace contract. A runtime lists its own
 * in {@link SessionRuntime#abilities()}; the service checks them with {@link Abilities#require}
 * before it asks for one, so an unsupported call fails with {@code UNSUPPORTED} and a message that
 * names the backend and the ability, never silently.
 */
public enum Ability {
  /** Runs the template's long-running command (an app) in the session. */
  APP_PROCESSES("run a template's app"),
  /** Exposes app ports at endpoint URLs. */
  PUBLISHED_PORTS("publish app ports"),
  /** Enforces the template's cpu, memory and pids limits. */
  RESOURCE_LIMITS("enforce cpu, memory and pids limits"),
  /** Sessions cannot reach each other's ports. */
  NETWORK_ISOLATION("isolate sessions from each other on the network"),
  /** Runs sessions from container images. */
  IMAGES("run sessions from container images"),
  /**
   * Builds the images its sessions run and moves sessions onto new ones: {@link
   * SessionRuntime#images()} answers.
   */
  IMAGE_BUILDS("build images or renew sessions on them"),
  /** Exec can feed standard input to the command. */
  EXEC_STDIN("feed standard input to a command"),
  /**
   * Runs a template's extra containers ({@code containers:}) beside the main one, each on its own
   * ({@link SessionRuntime#containers}, {@link SessionRuntime#startContainer}, ...).
   */
  CONTAINERS("run several containers per session (a template's 'containers:')"),
  /**
   * Starts processes with handles ({@link WorkspaceAccess#start}): output streamed as it is made,
   * stdin written while the process runs and closed on request, signals to the whole tree.
   */
  PROCESSES("start processes with handles (streamed output, stdin, signals)"),
  /**
   * Gives a started process a pseudo-terminal of a size it can change ({@link ProcessSpec#tty}).
   */
  TTY("run a process in a terminal"),
  /**
   * Follows a container's output as it is written ({@link SessionRuntime#followLog}), not only its
   * last lines.
   */
  LOG_FOLLOW("follow a container's output as it is written");

  private final String phrase;

  Ability(String phrase) {
    this.phrase = phrase;
  }

  /** What the ability lets a backend do, to follow "the local backend cannot ...". */
  public String phrase() {
    return phrase;
  }
}
