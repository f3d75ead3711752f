package dev.berth.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a session's processes (the app and every exec) run: as which user, with which environment,
 * within which limits and with which Linux capabilities. The user, limits and capabilities are
 * honoured by container backends; the environment by every backend. Read from {@code user}, {@code
 * env}, {@code resources}, {@code capabilities} and {@code nonRoot} by {@link ContainerParser}.
 *
 * @param user the user the app and execs run as inside a container (empty: the image's)
 * @param env environment variables for the app and execs
 * @param resources cpu, memory and pids limits
 * @param capabilities Linux capabilities added back on container backends (all others dropped)
 * @param nonRoot whether a session must not run as uid 0: a create whose user (the template's, else
 *     the image's) is root, or cannot be checked before anything is made, is refused (422)
 */
public record ContainerSettings(
    Optional<String> user,
    Map<String, String> env,
    ResourceLimits resources,
    List<String> capabilities,
    boolean nonRoot) {

  /** The image's user, no environment of the template's own, no limits, no capabilities. */
  public static final ContainerSettings DEFAULT =
      new ContainerSettings(Optional.empty(), Map.of(), ResourceLimits.NONE, List.of(), false);

  public ContainerSettings {
    env = Map.copyOf(env);
    capabilities = List.copyOf(capabilities);
  }

  public ContainerSettings withUser(Optional<String> newUser) {
    return new ContainerSettings(newUser, env, resources, capabilities, nonRoot);
  }

  public ContainerSettings withEnv(Map<String, String> newEnv) {
    return new ContainerSettings(user, newEnv, resources, capabilities, nonRoot);
  }

  public ContainerSettings withResources(ResourceLimits newResources) {
    return new ContainerSettings(user, env, newResources, capabilities, nonRoot);
  }

  public ContainerSettings withCapabilities(List<String> newCapabilities) {
    return new ContainerSettings(user, env, resources, newCapabilities, nonRoot);
  }

  public ContainerSettings withNonRoot(boolean newNonRoot) {
    return new ContainerSettings(user, env, resources, capabilities, newNonRoot);
  }
}
