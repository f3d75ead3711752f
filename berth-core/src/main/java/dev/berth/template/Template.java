package dev.berth.template;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named recipe for sessions. Loaded from {@code templates/<name>/template.yaml} by {@link
 * TemplateLoader}, with unset fields inherited from the parent template.
 *
 * @param name the template's name (its folder's name), DNS-label safe
 * @param description one line for listings
 * @param parent the template this one builds on, if any
 * @param image the container image to run (container backends); empty means Berth's default
 * @param command the app's long-running command; empty for a session without an app
 * @param workspacePath where the workspace is mounted inside a container
 * @param user the user the app and execs run as inside a container (empty: the image's)
 * @param env environment variables for the app and execs
 * @param ports declared app ports; the first is the primary one the proxy opens
 * @param probe the readiness probe, if any
 * @param resources cpu, memory and pids limits
 * @param idleTimeout how long a session may go without activity (zero: forever)
 * @param maxLifetime how long a session may live (zero: forever)
 * @param capabilities Linux capabilities added back on container backends (all others dropped)
 * @param backend the backend sessions of this template use unless a request picks another
 * @param skeleton a folder copied into each new workspace when it is prepared
 * @param directory the folder the template was loaded from (empty for built-in ones)
 * @param build how the image this template runs is built (its own Dockerfile or its parent's);
 *     empty when it runs {@code image} or the backend's default image
 * @param proxy how the app lives behind the browser proxy (base path, prefix stripping)
 * @param restart what the reconciler does when a running session's app exits or turns unhealthy
 * @param health how often the probe is repeated once the session runs, and when it counts as failed
 * @param cullAction what happens at the idle timeout or the max lifetime: stop or delete
 * @param allowedBackends the backends a request may choose for this template's sessions (and a
 *     migration may move them to); empty means any configured backend
 * @param volume the workspace volume's size and storage class, where the backend has them
 */
public record Template(
    String name,
    String description,
    Optional<String> parent,
    Optional<String> image,
    List<String> command,
    String workspacePath,
    Optional<String> user,
    Map<String, String> env,
    List<Integer> ports,
    Optional<HealthProbe> probe,
    ResourceLimits resources,
    Duration idleTimeout,
    Duration maxLifetime,
    List<String> capabilities,
    Optional<String> backend,
    Optional<Path> skeleton,
    Optional<Path> directory,
    Optional<ImageBuild> build,
    ProxySettings proxy,
    RestartPolicy restart,
    HealthCheck health,
    CullAction cullAction,
    List<String> allowedBackends,
    WorkspaceVolume volume) {

  public static final String DEFAULT_NAME = "default";
  public static final String DEFAULT_WORKSPACE_PATH = "/workspace";

  public Template {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    ports = List.copyOf(ports);
    capabilities = List.copyOf(capabilities);
    allowedBackends = List.copyOf(allowedBackends);
  }

  /**
   * Whether a request may put this template's session on {@code backendName}: any backend unless
   * the template lists the ones it allows.
   */
  public boolean allowsBackend(String backendName) {
    return allowedBackends.isEmpty() || allowedBackends.contains(backendName);
  }

  /**
   * A template with no image build, the default proxy settings, restart policy, health check timing
   * and cull action (tests and built-in templates).
   */
  public Template(
      String name,
      String description,
      Optional<String> parent,
      Optional<String> image,
      List<String> command,
      String workspacePath,
      Optional<String> user,
      Map<String, String> env,
      List<Integer> ports,
      Optional<HealthProbe> probe,
      ResourceLimits resources,
      Duration idleTimeout,
      Duration maxLifetime,
      List<String> capabilities,
      Optional<String> backend,
      Optional<Path> skeleton,
      Optional<Path> directory) {
    this(
        name,
        description,
        parent,
        image,
        command,
        workspacePath,
        user,
        env,
        ports,
        probe,
        resources,
        idleTimeout,
        maxLifetime,
        capabilities,
        backend,
        skeleton,
        directory,
        Optional.empty(),
        ProxySettings.DEFAULT,
        RestartPolicy.DEFAULT,
        HealthCheck.DEFAULT,
        CullAction.STOP,
        List.of(),
        WorkspaceVolume.DEFAULT);
  }

  /** The built-in template: an empty workspace, no app. Every backend can run it. */
  public static Template builtinDefault() {
    return new Template(
        DEFAULT_NAME,
        "Built-in: an empty workspace with no app; exec and files only.",
        Optional.empty(),
        Optional.empty(),
        List.of(),
        DEFAULT_WORKSPACE_PATH,
        Optional.empty(),
        Map.of(),
        List.of(),
        Optional.empty(),
        ResourceLimits.NONE,
        Duration.ZERO,
        Duration.ZERO,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        ProxySettings.DEFAULT,
        RestartPolicy.DEFAULT,
        HealthCheck.DEFAULT,
        CullAction.STOP,
        List.of(),
        WorkspaceVolume.DEFAULT);
  }

  /**
   * A template known only by its name: for cleaning up resources whose template is gone (an
   * orphan's, or a session's whose template was removed). Destroy finds resources by label and
   * name, so the name is all it needs.
   */
  public static Template placeholder(String name) {
    Template d = builtinDefault();
    return new Template(
        name,
        "placeholder for cleanup",
        d.parent(),
        d.image(),
        d.command(),
        d.workspacePath(),
        d.user(),
        d.env(),
        d.ports(),
        d.probe(),
        d.resources(),
        d.idleTimeout(),
        d.maxLifetime(),
        d.capabilities(),
        d.backend(),
        d.skeleton(),
        d.directory(),
        d.build(),
        d.proxy(),
        d.restart(),
        d.health(),
        d.cullAction(),
        d.allowedBackends(),
        d.volume());
  }

  /** A copy with another project skeleton (for the templates directory's shared default). */
  public Template withSkeleton(Optional<Path> newSkeleton) {
    return new Template(
        name,
        description,
        parent,
        image,
        command,
        workspacePath,
        user,
        env,
        ports,
        probe,
        resources,
        idleTimeout,
        maxLifetime,
        capabilities,
        backend,
        newSkeleton,
        directory,
        build,
        proxy,
        restart,
        health,
        cullAction,
        allowedBackends,
        volume);
  }

  /** True when this template's own folder holds the Dockerfile of the image it runs. */
  public boolean buildsOwnImage() {
    return build.map(b -> b.owner().equals(name)).orElse(false);
  }

  /**
   * This template as the runtimes get it for session {@code id}: the app learns its public base
   * path behind the proxy from {@code BERTH_BASE_PATH} (primary port) and {@code
   * BERTH_BASE_PATH_<port>} (each port), from the variable named by {@link
   * ProxySettings#basePathEnv()}, and from {@code ${BERTH_BASE_PATH}} written in {@code command}
   * arguments (replaced here, because a container runs its argv without a shell). A template
   * without ports is returned as it is.
   */
  public Template forSession(dev.berth.base.SessionId id) {
    if (ports.isEmpty()) {
      return this;
    }
    String base = ProxySettings.basePath(id);
    Map<String, String> sessionEnv = new java.util.HashMap<>(env);
    sessionEnv.put(ProxySettings.BASE_PATH_ENV, base);
    for (int port : ports) {
      sessionEnv.put(ProxySettings.BASE_PATH_ENV + "_" + port, ProxySettings.basePath(id, port));
    }
    proxy.basePathEnv().ifPresent(name -> sessionEnv.put(name, base));
    String placeholder = "${" + ProxySettings.BASE_PATH_ENV + "}";
    List<String> sessionCommand =
        command.stream().map(arg -> arg.replace(placeholder, base)).toList();
    return new Template(
        name,
        description,
        parent,
        image,
        sessionCommand,
        workspacePath,
        user,
        sessionEnv,
        ports,
        probe,
        resources,
        idleTimeout,
        maxLifetime,
        capabilities,
        backend,
        skeleton,
        directory,
        build,
        proxy,
        restart,
        health,
        cullAction,
        allowedBackends,
        volume);
  }

  public boolean hasApp() {
    return !command.isEmpty();
  }

  public Optional<Integer> primaryPort() {
    return ports.stream().findFirst();
  }
}
