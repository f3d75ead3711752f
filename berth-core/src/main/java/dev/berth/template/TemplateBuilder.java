package dev.berth.template;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link Template} in code (tests, built-in templates): every key starts at the default a
 * template.yaml that leaves it unset gets, so a caller names only what it cares about. The key
 * setters change one value of a group; the group setters ({@link #app(AppSettings)} and the like)
 * replace a whole group, and are enough for a key that has no setter of its own here.
 */
public final class TemplateBuilder {
  private final String name;
  private String description = "";
  private Optional<String> parent = Optional.empty();
  private Optional<Path> directory = Optional.empty();
  private ImageSettings image = ImageSettings.DEFAULT;
  private AppSettings app = AppSettings.DEFAULT;
  private ContainerSettings container = ContainerSettings.DEFAULT;
  private WorkspaceSettings workspace = WorkspaceSettings.DEFAULT;
  private LifetimeSettings lifetime = LifetimeSettings.DEFAULT;
  private PlacementSettings placement = PlacementSettings.DEFAULT;
  private NetworkSettings network = NetworkSettings.DEFAULT;
  private IsolationSettings isolation = IsolationSettings.DEFAULT;
  private SessionContainers containers = SessionContainers.NONE;
  private PoolSettings pool = PoolSettings.NONE;

  TemplateBuilder(String name) {
    this.name = name;
  }

  TemplateBuilder(Template t) {
    this(t.name());
    description = t.description();
    parent = t.parent();
    directory = t.directory();
    image = t.image();
    app = t.app();
    container = t.container();
    workspace = t.workspace();
    lifetime = t.lifetime();
    placement = t.placement();
    network = t.network();
    isolation = t.isolation();
    containers = t.containers();
    pool = t.pool();
  }

  public Template build() {
    return new Template(
        name,
        description,
        parent,
        directory,
        image,
        app,
        container,
        workspace,
        lifetime,
        placement,
        network,
        isolation,
        containers,
        pool);
  }

  /** How many ready sessions Berth keeps of this template (its warm pool). */
  public TemplateBuilder pool(PoolSettings newPool) {
    pool = newPool;
    return this;
  }

  /** The containers the session runs beside its main one, in start order. */
  public TemplateBuilder containers(SessionContainers newContainers) {
    containers = newContainers;
    return this;
  }

  // The template itself.

  public TemplateBuilder description(String newDescription) {
    description = newDescription;
    return this;
  }

  public TemplateBuilder parent(String newParent) {
    parent = Optional.of(newParent);
    return this;
  }

  public TemplateBuilder directory(Path newDirectory) {
    directory = Optional.of(newDirectory);
    return this;
  }

  // Whole groups.

  public TemplateBuilder image(ImageSettings newImage) {
    image = newImage;
    return this;
  }

  public TemplateBuilder app(AppSettings newApp) {
    app = newApp;
    return this;
  }

  public TemplateBuilder container(ContainerSettings newContainer) {
    container = newContainer;
    return this;
  }

  public TemplateBuilder workspace(WorkspaceSettings newWorkspace) {
    workspace = newWorkspace;
    return this;
  }

  public TemplateBuilder lifetime(LifetimeSettings newLifetime) {
    lifetime = newLifetime;
    return this;
  }

  public TemplateBuilder placement(PlacementSettings newPlacement) {
    placement = newPlacement;
    return this;
  }

  public TemplateBuilder network(NetworkSettings newNetwork) {
    network = newNetwork;
    return this;
  }

  public TemplateBuilder isolation(IsolationSettings newIsolation) {
    isolation = newIsolation;
    return this;
  }

  // Keys of the image group.

  /** Run this existing image (a template.yaml's {@code image}). */
  public TemplateBuilder image(String reference) {
    image = image.withReference(Optional.of(reference));
    return this;
  }

  public TemplateBuilder build(ImageBuild newBuild) {
    image = image.withBuild(Optional.of(newBuild));
    return this;
  }

  // Keys of the app group.

  public TemplateBuilder command(List<String> newCommand) {
    app = app.withCommand(newCommand);
    return this;
  }

  public TemplateBuilder command(String... argv) {
    return command(List.of(argv));
  }

  public TemplateBuilder ports(List<Integer> newPorts) {
    app = app.withPorts(newPorts);
    return this;
  }

  public TemplateBuilder ports(Integer... newPorts) {
    return ports(List.of(newPorts));
  }

  public TemplateBuilder probe(HealthProbe newProbe) {
    app = app.withProbe(Optional.of(newProbe));
    return this;
  }

  public TemplateBuilder health(HealthCheck newHealth) {
    app = app.withHealth(newHealth);
    return this;
  }

  public TemplateBuilder proxy(ProxySettings newProxy) {
    app = app.withProxy(newProxy);
    return this;
  }

  // Keys of the container group.

  public TemplateBuilder user(String newUser) {
    container = container.withUser(Optional.of(newUser));
    return this;
  }

  public TemplateBuilder env(Map<String, String> newEnv) {
    container = container.withEnv(newEnv);
    return this;
  }

  public TemplateBuilder resources(ResourceLimits newResources) {
    container = container.withResources(newResources);
    return this;
  }

  public TemplateBuilder capabilities(List<String> newCapabilities) {
    container = container.withCapabilities(newCapabilities);
    return this;
  }

  public TemplateBuilder nonRoot(boolean newNonRoot) {
    container = container.withNonRoot(newNonRoot);
    return this;
  }

  // Keys of the workspace group.

  /** Mounts the files of {@code from} read-only at {@code path}; see {@link TemplateVolume}. */
  public TemplateBuilder templateVolume(String path, Path from) {
    workspace = workspace.withTemplateVolume(Optional.of(new TemplateVolume(path, from)));
    return this;
  }

  public TemplateBuilder workspacePath(String newPath) {
    workspace = workspace.withPath(newPath);
    return this;
  }

  public TemplateBuilder skeleton(Path newSkeleton) {
    workspace = workspace.withSkeleton(Optional.of(newSkeleton));
    return this;
  }

  public TemplateBuilder volume(WorkspaceVolume newVolume) {
    workspace = workspace.withVolume(newVolume);
    return this;
  }

  // Keys of the lifetime group.

  public TemplateBuilder idleTimeout(Duration newIdleTimeout) {
    lifetime = lifetime.withIdleTimeout(newIdleTimeout);
    return this;
  }

  public TemplateBuilder maxLifetime(Duration newMaxLifetime) {
    lifetime = lifetime.withMaxLifetime(newMaxLifetime);
    return this;
  }

  public TemplateBuilder cullAction(CullAction newCullAction) {
    lifetime = lifetime.withCullAction(newCullAction);
    return this;
  }

  public TemplateBuilder restart(RestartPolicy newRestart) {
    lifetime = lifetime.withRestart(newRestart);
    return this;
  }

  // Keys of the placement group.

  public TemplateBuilder backend(String newBackend) {
    placement = placement.withBackend(Optional.of(newBackend));
    return this;
  }

  public TemplateBuilder allowedBackends(List<String> newAllowedBackends) {
    placement = placement.withAllowedBackends(newAllowedBackends);
    return this;
  }

  // Keys of the network group.

  public TemplateBuilder egress(EgressPolicy newEgress) {
    network = network.withEgress(newEgress);
    return this;
  }

  // Keys of the isolation group.

  public TemplateBuilder sandbox(Sandbox newSandbox) {
    isolation = isolation.withSandbox(newSandbox);
    return this;
  }
}
