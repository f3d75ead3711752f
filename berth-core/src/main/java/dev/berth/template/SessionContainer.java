package dev.berth.template;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One container a session runs beside its main one (type {@value #MAIN}), from the template's
 * {@code containers:} key. Every field is its own: nothing is inherited from the main container but
 * the image (when {@code image} is empty), the workspace volume and the session's network.
 *
 * @param type the container's name in the session, a DNS label other than {@value #MAIN}: part of
 *     its resource names and the name the session's other containers reach it by
 * @param image an image reference on the engine; empty: the main container's image (or {@code
 *     templateImage})
 * @param templateImage the image Berth builds from a template of the family instead ({@code
 *     template: <name>}); never together with {@code image}
 * @param command its command; empty: the image's own
 * @param env environment variables (Berth adds {@code BERTH_SESSION_ID}, {@code BERTH_WORKSPACE}
 *     and {@code BERTH_CONTAINER})
 * @param ports ports it listens on, for probes and endpoints
 * @param probe its readiness and health probe; none: running is ready
 * @param resources its own cpu, memory and pids limits
 * @param user the user it runs as (empty: the image's)
 * @param start whether it starts with the session or on request
 * @param after the containers it starts after, each started first, and what of each it waits for
 *     ({@link AfterCondition}; {@code started} for the list form)
 * @param subPath the part of the session volume it mounts ("" for all of it)
 * @param readOnly whether it mounts the workspace read-only
 */
public record SessionContainer(
    String type,
    Optional<String> image,
    Optional<ContainerTemplateImage> templateImage,
    List<String> command,
    Map<String, String> env,
    List<Integer> ports,
    Optional<HealthProbe> probe,
    ResourceLimits resources,
    Optional<String> user,
    ContainerStart start,
    List<ContainerDependency> after,
    String subPath,
    boolean readOnly) {

  /** The type of every session's main container. */
  public static final String MAIN = "session";

  /** The start timeout of {@link #readyProbe} without a probe: unused (a start has its own). */
  private static final Duration READY_PROBE_TIMEOUT = Duration.ofSeconds(60);

  public SessionContainer {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    ports = List.copyOf(ports);
    after = List.copyOf(after);
  }

  /** A container of {@code type} running {@code command} in the main image, started with all. */
  public static SessionContainer of(String type, List<String> command) {
    return new SessionContainer(
        type,
        Optional.empty(),
        Optional.empty(),
        command,
        Map.of(),
        List.of(),
        Optional.empty(),
        ResourceLimits.NONE,
        Optional.empty(),
        ContainerStart.AUTO,
        List.of(),
        "",
        false);
  }

  public boolean autoStarts() {
    return start == ContainerStart.AUTO;
  }

  /** The types it starts after, in the order written. */
  public List<String> afterTypes() {
    return after.stream().map(ContainerDependency::type).toList();
  }

  /**
   * What {@code ready} asks of this container: its probe, else a TCP connect to its first port;
   * empty when it has neither (then nothing can tell it is ready, and a template that waits for it
   * is refused at load).
   */
  public Optional<HealthProbe> readyProbe() {
    return probe.or(
        () ->
            ports.isEmpty()
                ? Optional.empty()
                : Optional.of(new HealthProbe.Tcp(ports.get(0), READY_PROBE_TIMEOUT)));
  }

  /** Started after {@code types}, only in order (the list form). */
  public SessionContainer after(List<String> types) {
    return waitingFor(types.stream().map(ContainerDependency::started).toList());
  }

  /** Started after each of {@code dependencies}, waiting for what each says. */
  public SessionContainer waitingFor(List<ContainerDependency> dependencies) {
    return new SessionContainer(
        type,
        image,
        templateImage,
        command,
        env,
        ports,
        probe,
        resources,
        user,
        start,
        dependencies,
        subPath,
        readOnly);
  }

  public SessionContainer starting(ContainerStart when) {
    return new SessionContainer(
        type,
        image,
        templateImage,
        command,
        env,
        ports,
        probe,
        resources,
        user,
        when,
        after,
        subPath,
        readOnly);
  }

  public SessionContainer withImage(Optional<String> newImage) {
    return new SessionContainer(
        type,
        newImage,
        templateImage,
        command,
        env,
        ports,
        probe,
        resources,
        user,
        start,
        after,
        subPath,
        readOnly);
  }

  /** The same container on the image Berth builds from {@code built}'s template. */
  public SessionContainer withTemplateImage(Optional<ContainerTemplateImage> built) {
    return new SessionContainer(
        type, image, built, command, env, ports, probe, resources, user, start, after, subPath,
        readOnly);
  }

  public SessionContainer withProbe(Optional<HealthProbe> newProbe, List<Integer> newPorts) {
    return new SessionContainer(
        type,
        image,
        templateImage,
        command,
        env,
        newPorts,
        newProbe,
        resources,
        user,
        start,
        after,
        subPath,
        readOnly);
  }

  public SessionContainer mounting(String newSubPath, boolean newReadOnly) {
    return new SessionContainer(
        type,
        image,
        templateImage,
        command,
        env,
        ports,
        probe,
        resources,
        user,
        start,
        after,
        newSubPath,
        newReadOnly);
  }
}
