package dev.berth.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a session's processes (the app and every exec) run: as which user, with which environment,
 * within which limits and with which Linux capabilities. The user, limits and capabilities are
 * honoured by container backends; the environment by every backend. Read from {@code user}, {@code
 * env}, {@code resources} and {@code capabilities} by {@link ContainerParser}.
 *
 * @param user the user the app and execs run as inside a container (empty: the image's)
 * @param env environment variables for the app and execs
 * @param resources cpu, memory and pids limits
 * @param capabilities Linux capabilities added back on container backends (all others dropped)
 */
public record ContainerSettings(
    Optional<String> user,
    Map<String, String> env,
    ResourceLimits resources,
    List<String> capabilities) {

  /** The image's user, no environment of the template's own, no limits, no capabilities. */
  public static final ContainerSettings DEFAULT =
      new ContainerSettings(Optional.empty(), Map.of(), ResourceLimits.NONE, List.of());

  public ContainerSettings {
    env = Map.copyOf(env);
    capabilities = List.copyOf(capabilities);
  }

  public ContainerSettings withUser(Optional<String> newUser) {
    return new ContainerSettings(newUser, env, resources, capabilities);
  }

  public ContainerSettings withEnv(Map<String, String> newEnv) {
    return new ContainerSettings(user, newEnv, resources, capabilities);
  }

  public ContainerSettings withResources(ResourceLimits newResources) {
    return new ContainerSettings(user, env, newResources, capabilities);
  }

  public ContainerSettings withCapabilities(List<String> newCapabilities) {
    return new ContainerSettings(user, env, resources, newCapabilities);
  }
}
