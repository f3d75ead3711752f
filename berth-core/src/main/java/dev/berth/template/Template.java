package dev.berth.template;

import dev.berth.base.SessionId;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named recipe for sessions. Loaded from {@code templates/<name>/template.yaml} by {@link
 * TemplateLoader}, with unset keys inherited from the parent template. The keys come in groups, one
 * record each, each read by its own parser (see docs/templates.md for adding a key); build one in
 * code with {@link #builder}.
 *
 * @param name the template's name (its folder's name), DNS-label safe
 * @param description one line for listings
 * @param parent the template this one builds on, if any
 * @param directory the folder the template was loaded from (empty for built-in ones)
 * @param image the image container backends run: a reference, a build, or the default
 * @param app the app's command, ports, probe and health check, and its proxy settings
 * @param container the user, environment, resource limits and capabilities processes run with
 * @param workspace the workspace's mount path, project skeleton and volume
 * @param lifetime idle timeout, max lifetime, what culling does, and the restart policy
 * @param placement the backend sessions use by default and the backends they may use
 * @param network what the session may reach over the network (its egress policy)
 * @param isolation what the session container runs under (its sandbox)
 * @param containers the containers the session runs beside its main one ({@code containers:}), in
 *     start order; none for a template without the key
 * @param pool how many ready sessions Berth keeps of this template ({@code pool:}); not inherited
 */
public record Template(
    String name,
    String description,
    Optional<String> parent,
    Optional<Path> directory,
    ImageSettings image,
    AppSettings app,
    ContainerSettings container,
    WorkspaceSettings workspace,
    LifetimeSettings lifetime,
    PlacementSettings placement,
    NetworkSettings network,
    IsolationSettings isolation,
    SessionContainers containers,
    PoolSettings pool) {

  public static final String DEFAULT_NAME = "default";
  public static final String DEFAULT_WORKSPACE_PATH = WorkspaceSettings.DEFAULT_PATH;

  /**
   * A template named {@code name} with every key at its default: no app, Berth's default image, an
   * empty workspace at {@value #DEFAULT_WORKSPACE_PATH}, no limits, living forever, any backend.
   */
  public static TemplateBuilder builder(String name) {
    return new TemplateBuilder(name);
  }

  /** A builder that starts from this template's values. */
  public TemplateBuilder toBuilder() {
    return new TemplateBuilder(this);
  }

  /** The built-in template: an empty workspace, no app. Every backend can run it. */
  public static Template builtinDefault() {
    return builder(DEFAULT_NAME)
        .description("Built-in: an empty workspace with no app; exec and files only.")
        .build();
  }

  /**
   * A template known only by its name: for cleaning up resources whose template is gone (an
   * orphan's, or a session's whose template was removed). Destroy finds resources by label and
   * name, so the name is all it needs.
   */
  public static Template placeholder(String name) {
    return builder(name).description("placeholder for cleanup").build();
  }

  /**
   * Whether a request may put this template's session on {@code backendName}: any backend unless
   * the template lists the ones it allows.
   */
  public boolean allowsBackend(String backendName) {
    return placement.allowsBackend(backendName);
  }

  /** A copy with another project skeleton (for the templates directory's shared default). */
  public Template withSkeleton(Optional<Path> newSkeleton) {
    return toBuilder().workspace(workspace.withSkeleton(newSkeleton)).build();
  }

  /** True when this template's own folder holds the Dockerfile of the image it runs. */
  public boolean buildsOwnImage() {
    return image.build().map(b -> b.owner().equals(name)).orElse(false);
  }

  public boolean hasApp() {
    return app.hasApp();
  }

  public Optional<Integer> primaryPort() {
    return app.primaryPort();
  }

  /**
   * This template as the runtimes get it for a session whose resources are named from {@code
   * handle}: {@link #forSession} for every session made directly (its handle is its id); as it is
   * for a session that took a warm-pool member (its app started before the session's id existed, so
   * it was given no base path: pool templates must not need one, see {@link TemplateChecks}). Every
   * later start of that session gives the app what it was given then.
   */
  public Template forRuntime(SessionId id, String handle) {
    return handle.equals(id.value()) ? forSession(id) : this;
  }

  /**
   * This template as the runtimes get it for session {@code id}: the app learns its public base
   * path behind the proxy from {@code BERTH_BASE_PATH} (primary port) and {@code
   * BERTH_BASE_PATH_<port>} (each port), from the variable named by {@link
   * ProxySettings#basePathEnv()}, and from {@code ${BERTH_BASE_PATH}} written in {@code command}
   * arguments (replaced here, because a container runs its argv without a shell). An http probe's
   * path has its variables expanded here too ({@link ProbePaths}), so every probe of the session
   * goes to the session's own path. A template without ports is returned as it is.
   */
  public Template forSession(SessionId id) {
    if (app.ports().isEmpty()) {
      return this;
    }
    Optional<HealthProbe> sessionProbe =
        app.probe()
            .map(
                p ->
                    p instanceof HealthProbe.Http h
                        ? new HealthProbe.Http(
                            h.port(), ProbePaths.expand(h.path(), id), h.startTimeout())
                        : p);
    String base = ProxySettings.basePath(id);
    Map<String, String> sessionEnv = new HashMap<>(container.env());
    sessionEnv.put(ProxySettings.BASE_PATH_ENV, base);
    for (int port : app.ports()) {
      sessionEnv.put(ProxySettings.BASE_PATH_ENV + "_" + port, ProxySettings.basePath(id, port));
    }
    app.proxy().basePathEnv().ifPresent(variable -> sessionEnv.put(variable, base));
    String placeholder = "${" + ProxySettings.BASE_PATH_ENV + "}";
    List<String> sessionCommand =
        app.command().stream().map(arg -> arg.replace(placeholder, base)).toList();
    return toBuilder()
        .app(app.withCommand(sessionCommand).withProbe(sessionProbe))
        .container(container.withEnv(sessionEnv))
        .build();
  }
}
