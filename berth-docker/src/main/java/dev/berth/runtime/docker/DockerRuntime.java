package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.berth.base.BerthException;
import dev.berth.runtime.Ability;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.EgressGate;
import dev.berth.runtime.LogSink;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeEvent;
import dev.berth.runtime.RuntimeImages;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.RuntimeStates;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.SpoolDir;
import dev.berth.runtime.StartResult;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.template.SessionContainer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions on a Docker engine: per session a labelled volume (the workspace), a bridge network of
 * its own (isolation), and a hardened container (see {@link ContainerSpec}); names in {@link
 * DockerNames}, labels in {@link DockerLabels}.
 *
 * <p>The container is created at {@link #prepare} and only started at {@link #start}: a prepared
 * session runs nothing, yet the archive API (which works on a created container) already serves its
 * files, and start costs just the engine's start. Stop keeps the container and the volume. A start
 * whose template changed since the container was created recreates it on the same volume (see
 * {@link ContainerDefinitions}).
 *
 * <p>Files and exec are {@link DockerWorkspace}; images {@link DockerImages}.
 *
 * <p>State ({@link RuntimeState}, version {@value #STATE_VERSION}): {@code container}, {@code
 * volume}, {@code network} (names, from the session's handle), {@code containerId}, {@code image}
 * (the reference the container was created from), {@code imageId} (the image it runs), {@code
 * started} ("true" between start and stop, {@link RuntimeStates}), {@code port.<n>} (host port of
 * app port n while running, only where ports are published: {@link PortPublishing}).
 *
 * <p>Images: a template names one ({@code image}), or Berth builds it from the template's
 * Dockerfile as {@code <prefix>/<template>:latest} (see {@link DockerImageEngine}), or it runs
 * Berth's default image. A container keeps the image it was created from; {@link
 * DockerImages#renew} lets a stopped session's next start use the newest one.
 */
public final class DockerRuntime implements SessionRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
  static final int STATE_VERSION = 1;
  static final String KEY_CONTAINER_ID = "containerId";
  static final String KEY_IMAGE = "image";
  static final String KEY_IMAGE_ID = "imageId";

  private final DockerEngine engine;
  private final SessionNetworks networks;
  private final DnsNames dns;
  private final PortPublishing publishing;
  private final String prefix;
  private final String instance;
  private final DefaultImage defaultImage;
  private final DockerProvisioner provisioner;
  private final DockerCleanup cleanup;
  private final DockerExec exec;
  // Rebuilt by useSpoolDir, before the runtime is used.
  private volatile DockerArchives archives;
  private volatile DockerFiles files;
  private final FileCommands commands;
  private final DockerObserver observer;
  private final ContainerUsers users;
  private final StablePaths stable;
  private final KnownContainers containers;
  private final DockerImages images;
  private final SessionImages sessionImages;
  private final SharedFiles sharedFiles;
  private final ContainerDefinitions definitions;
  private final EgressNetworks egress;
  private final TemplateVolumes templateVolumes;
  private final ContainerExits exits = new ContainerExits();
  private final SessionSidecars sidecars;
  private final ContainerDependencies dependencies;
  private volatile SandboxRuntimes sandboxes;

  /**
   * Connects to {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code tcp://...}); null
   * or blank means the environment's {@code DOCKER_HOST} (TLS through {@code DOCKER_TLS_VERIFY} and
   * {@code DOCKER_CERT_PATH}) or else the local socket.
   *
   * @param prefix first part of every Docker name, {@code [a-z][a-z0-9]{0,11}}
   * @param instance this Berth installation's id, the {@code berth.instance} label
   */
  public DockerRuntime(String dockerHost, String prefix, String instance) {
    this(dockerHost, prefix, instance, SessionNetworks.PER_SESSION);
  }

  /** As above, choosing how sessions are isolated from each other; see {@link SessionNetworks}. */
  public DockerRuntime(
      String dockerHost, String prefix, String instance, SessionNetworks networks) {
    this(DockerEngine.connect(dockerHost), prefix, instance, DefaultImage.HOST_BUSYBOX, networks);
  }

  /**
   * Connects to exactly {@code endpoint} (a named backend), ignoring the DOCKER_* variables, with a
   * folder mounted read-only into every session container; see {@link SharedFiles}.
   */
  public DockerRuntime(
      DockerEndpoint endpoint,
      String prefix,
      String instance,
      SessionNetworks networks,
      SharedFiles sharedFiles) {
    this(
        DockerEngine.connectTo(endpoint),
        prefix,
        instance,
        DefaultImage.HOST_BUSYBOX,
        networks,
        sharedFiles);
  }

  /**
   * As above, with a folder mounted read-only into every session container; see {@link
   * SharedFiles}.
   */
  public DockerRuntime(
      String dockerHost,
      String prefix,
      String instance,
      SessionNetworks networks,
      SharedFiles sharedFiles) {
    this(
        DockerEngine.connect(dockerHost),
        prefix,
        instance,
        DefaultImage.HOST_BUSYBOX,
        networks,
        sharedFiles);
  }

  /** Uses a docker-java client built elsewhere (a {@code DockerClientImpl} with an HTTP client). */
  public DockerRuntime(DockerClient client, String prefix, String instance) {
    this(
        DockerEngine.wrap(client),
        prefix,
        instance,
        DefaultImage.HOST_BUSYBOX,
        SessionNetworks.PER_SESSION);
  }

  DockerRuntime(
      DockerEngine engine, String prefix, String instance, Path busybox, SessionNetworks networks) {
    this(engine, prefix, instance, busybox, networks, SharedFiles.NONE);
  }

  DockerRuntime(
      DockerEngine engine,
      String prefix,
      String instance,
      Path busybox,
      SessionNetworks networks,
      SharedFiles sharedFiles) {
    this(
        engine,
        prefix,
        instance,
        busybox,
        networks,
        sharedFiles,
        PortPublishing.Mode.AUTO,
        DnsNames.random());
  }

  /**
   * The backend's own constructor: with whether app ports are published ({@code
   * dockerPublishPorts}) and the key that makes container names on the shared network opaque (kept
   * in the data directory, so names stay the same across restarts).
   */
  DockerRuntime(
      DockerEngine engine,
      String prefix,
      String instance,
      Path busybox,
      SessionNetworks networks,
      SharedFiles sharedFiles,
      PortPublishing.Mode publishPorts,
      DnsNames dns) {
    DockerNames.checkPrefix(prefix);
    if (instance == null || instance.isBlank()) {
      throw BerthException.badRequest("a Berth instance id is required for Docker labels");
    }
    this.engine = engine;
    this.networks = networks;
    this.dns = dns;
    this.publishing = PortPublishing.decide(publishPorts, engine.host);
    this.prefix = prefix;
    this.instance = instance;
    this.defaultImage = new DefaultImage(engine, prefix, busybox);
    this.provisioner = new DockerProvisioner(engine, instance);
    this.cleanup = new DockerCleanup(engine, instance);
    this.exec = new DockerExec(engine);
    this.archives = new DockerArchives(engine, SpoolDir.systemTemp());
    this.commands = new FileCommands(engine, exec, defaultImage, prefix, instance);
    this.files = new DockerFiles(archives, commands);
    this.observer = new DockerObserver(engine, provisioner, exits, publishing);
    this.users = new ContainerUsers(engine);
    this.stable = new StablePaths(engine);
    this.containers = new KnownContainers();
    var imageEngine = new DockerImageEngine(engine, prefix, instance);
    this.images =
        new DockerImages(
            imageEngine, engine, provisioner, users, this::names, this::extraContainers);
    this.sessionImages = new SessionImages(imageEngine, defaultImage, provisioner);
    this.sharedFiles = sharedFiles;
    this.definitions = new ContainerDefinitions(engine, users);
    this.egress = new EgressNetworks(engine, provisioner, prefix, instance);
    this.templateVolumes =
        new TemplateVolumes(engine, prefix, instance, defaultImage, () -> archives.spoolDir());
    this.sandboxes = new SandboxRuntimes(engine, SandboxRuntimes.DEFAULT_GVISOR);
    this.sidecars = new SessionSidecars(engine, provisioner, prefix, dns, sessionImages);
    this.dependencies = new ContainerDependencies(this, provisioner, sidecars, observer);
  }

  /**
   * Sends sessions whose template allows only listed destinations through {@code gate} (Berth's
   * egress proxy, which the server runs); without one such templates are refused. Call before the
   * runtime is used.
   */
  public DockerRuntime useEgressGate(EgressGate gate) {
    egress.useGate(gate);
    return this;
  }

  /**
   * Spools the manager's side of file and archive calls (a caller's archive while it is checked, a
   * write until it is known to fit, the tar sent to the engine, a template volume's files on their
   * way into its volume) in {@code dir}: the data directory's {@code tmp} in a server ({@link
   * SpoolDir}); the JVM's temporary directory unless called. Call before the runtime is used.
   */
  public DockerRuntime useSpoolDir(Path dir) {
    archives = new DockerArchives(engine, new SpoolDir(dir));
    files = new DockerFiles(archives, commands);
    return this;
  }

  /**
   * Runs {@code sandbox: gvisor} sessions under the engine runtime {@code name} ({@code
   * dockerGvisorRuntime}; {@value SandboxRuntimes#DEFAULT_GVISOR} unless called). Call before the
   * runtime is used.
   */
  public DockerRuntime useGvisorRuntime(String name) {
    sandboxes = new SandboxRuntimes(engine, name);
    return this;
  }

  /**
   * At start-up: logs which runtimes the engine offers and whether {@code sandbox: gvisor} sessions
   * can run here (see {@link SandboxRuntimes}).
   */
  void logSandboxes(String backend) {
    sandboxes.logWhatTheEngineOffers(backend);
  }

  /** Null when the engine answers, else why not: for start-up checks and {@code berth doctor}. */
  public String ping() {
    return engine.ping();
  }

  /**
   * The engine's id: two backends that reach the same engine would take each other's sessions for
   * orphans, so Berth refuses to run them side by side.
   */
  public String engineId() {
    return engine.engineId();
  }

  /**
   * At start-up: refuses when another installation uses this prefix here ({@link PrefixOwners}).
   */
  void refuseAnotherInstallation(String home) {
    new PrefixOwners(engine, prefix, instance).refuseOthers(home);
  }

  /** The image used for templates without one, {@code <prefix>/default:latest}. */
  public String defaultImageReference() {
    return defaultImage.reference();
  }

  @Override
  public String kind() {
    return "docker";
  }

  @Override
  public Set<Ability> abilities() {
    return EnumSet.allOf(Ability.class);
  }

  private List<String> extraContainers(RuntimeSession s) {
    return sidecars.allNames(s, names(s));
  }

  private DockerNames names(RuntimeSession s) {
    RuntimeStates.requireUnderstood(s, "Docker", STATE_VERSION);
    DockerNames names =
        DockerNames.of(s.state(), prefix, s.template().name(), s.handle(), networks, dns);
    return egress.named(s, names, s.state().get(DockerNames.KEY_NETWORK) != null);
  }

  @Override
  public RuntimeImages images() {
    return images;
  }

  @Override
  public List<PreflightProblem> preflight(RuntimeSession s) {
    List<PreflightProblem> problems =
        new ArrayList<>(sandboxes.problem(s.template()).stream().toList());
    problems.addAll(egress.preflight(s));
    problems.addAll(sidecars.preflight(s)); // a template's containers: see SessionSidecars
    problems.addAll(sessionImages.preflight(s)); // the image: see SessionImages#preflight
    return problems;
  }

  @Override
  public RuntimeState prepare(RuntimeSession s) {
    return prepare(s, true);
  }

  /**
   * @param seed whether to copy the project skeleton in (not for a container recreated on a
   *     workspace that has been in use: files its user removed would come back)
   */
  private RuntimeState prepare(RuntimeSession s, boolean seed) {
    DockerNames names = names(s);
    sandboxes.require(s.template()); // before anything is made
    // The recorded image, so a template edit never swaps a live session's image underneath it;
    // Berth's own default image is rebuilt if it was pruned.
    String recorded = s.state().get(KEY_IMAGE);
    String image = recorded == null ? sessionImages.resolve(s) : sessionImages.recorded(recorded);
    boolean newVolume = provisioner.ensureVolume(s, names.volume());
    String egressKind = egress.ensure(s, names.network());
    InspectContainerResponse container = createContainer(s, names, image);
    String links =
        s.template().containers().isEmpty() ? null : sidecars.prepareLinks(s, names, container);
    ContainerPaths paths = DockerWorkspace.paths(engine, users, s, container);
    if (newVolume || !seed) {
      archives.ownRoot(paths); // a recreated container may run as another user
    }
    if (seed) {
      s.template().workspace().skeleton().ifPresent(skeleton -> archives.seed(paths, skeleton));
    }
    return names
        .into(s.state().withVersion(STATE_VERSION))
        .with(KEY_CONTAINER_ID, container.getId())
        .with(KEY_IMAGE, image)
        .with(KEY_IMAGE_ID, container.getImageId())
        .with(EgressNetworks.KEY_EGRESS, egressKind)
        .with(SessionSidecars.KEY_LINKS_NETWORK, links);
  }

  private InspectContainerResponse createContainer(
      RuntimeSession s, DockerNames names, String image) {
    ContainerSpec spec = mainSpec(s, names, image);
    // Only for a container about to be made: one that exists keeps the template volume it was made
    // with (its session sees the files it started with), and no copy is made for nothing.
    if (s.template().workspace().templateVolume().isPresent()
        && provisioner.find(names.container()).isEmpty()) {
      spec = spec.withTemplateVolume(templateVolumes.ensure(s.template()));
    }
    return provisioner.ensureContainer(s, spec);
  }

  /**
   * What the extra containers take their defaults from: the main container's spec, with the
   * template volume the main container was made with (so all of a session's containers see the same
   * copy of the template's files).
   */
  private ContainerSpec sidecarDefaults(RuntimeSession s, DockerNames names) {
    ContainerSpec main = mainSpec(s, names, s.state().get(KEY_IMAGE));
    var wanted = s.template().workspace().templateVolume();
    if (wanted.isEmpty()) {
      return main;
    }
    String path = wanted.get().path();
    return main.withTemplateVolume(
        provisioner
            .find(names.container())
            .flatMap(
                c ->
                    c.getMounts() == null
                        ? Optional.empty()
                        : c.getMounts().stream()
                            .filter(m -> m.getName() != null && m.getDestination() != null)
                            .filter(m -> path.equals(m.getDestination().getPath()))
                            .findFirst())
            .map(m -> new TemplateVolumes.Mounted(m.getName(), path)));
  }

  /** What the main container is made from; its extra containers take their defaults from it. */
  private ContainerSpec mainSpec(RuntimeSession s, DockerNames names, String image) {
    // A shared folder that is not there (yet) is not mounted: Docker would refuse the container.
    SharedFiles shared =
        sharedFiles.hostDirectory().filter(java.nio.file.Files::isDirectory).isPresent()
            ? sharedFiles
            : SharedFiles.NONE;
    var labels = ContainerDefinitions.labelled(provisioner.labels(s, DockerLabels.TYPE_SESSION), s);
    // On a network shared with other sessions, the hostname is as opaque as the name (DnsNames):
    // Docker's DNS answers for both there.
    String hostname = names.sharesDns(prefix) ? names.container() : s.id().value();
    var spec =
        ContainerSpec.of(s, names, image, labels, shared, hostname, publishing.publishes())
            .withEnv(egress.proxyEnv(s, names.network()))
            .inSandbox(s.template().isolation().sandbox(), sandboxes.runtimeFor(s.template()));
    if (!s.template().containers().isEmpty()
        && sidecars.linksNetwork(s, names).equals(names.network())) {
      spec = spec.withAliases(List.of(SessionSidecars.ALIAS_MAIN));
    }
    return spec;
  }

  @Override
  public StartResult start(RuntimeSession s) {
    // One deadline for the whole start: what containers wait for (after: {a: done}) is waited for
    // within it, and the service's readiness wait counts from the same moment.
    Instant deadline = Instant.now().plus(s.template().app().startTimeout());
    DockerNames names = names(s);
    Optional<InspectContainerResponse> found = provisioner.find(names.container());
    if (found.isPresent() && Boolean.TRUE.equals(found.get().getState().getRunning())) {
      egress.admit(s, found.get(), names.network());
      RuntimeState state = startSidecars(s, names, deadline);
      return started(state, observer.endpoints(s, found.get(), names.network()));
    }
    // A sandbox the engine lacks (its runtime removed, or the template changed to ask for one)
    // is refused before an outdated container is removed or anything is made.
    sandboxes.require(s.template());
    if (!provisioner.volumeExists(names.volume())) {
      throw BerthException.conflict(
          "session '"
              + s.id()
              + "' has no workspace volume "
              + names.volume()
              + "; it cannot start");
    }
    RuntimeState state = s.state();
    Optional<String> remake = found.flatMap(c -> madeOtherwise(s, names, c));
    if (found.isPresent()
        && (ContainerDefinitions.outdated(found.get(), s) || remake.isPresent())) {
      // A start applies the template as it is now: a container keeps what it was created with.
      // The image is resolved first, so a template naming a missing image removes nothing.
      String image = sessionImages.resolve(s);
      RuntimeState removed =
          egress
              .recreating(
                  s,
                  definitions.remove(
                      s, found.get(), remake.orElse("its template changed since it was created")))
              .with(KEY_IMAGE, image);
      if (names.sharesDns(prefix)) {
        removed = removed.with(DockerNames.KEY_CONTAINER, null); // named anew: see DnsNames
      }
      state = prepare(s.withState(removed), false);
      found = Optional.empty();
    } else if (found.isEmpty()) {
      // A lost container is recreated on the same volume; the workspace is all that matters.
      state = prepare(s);
    }
    String id = found.map(InspectContainerResponse::getId).orElse(state.get(KEY_CONTAINER_ID));
    try {
      engine.client.startContainerCmd(id).exec();
    } catch (NotModifiedException alreadyRunning) {
      // started meanwhile by someone else: fine
    } catch (RuntimeException e) {
      throw DockerEngine.failure("start container " + id, e);
    }
    DockerNames now = names(s.withState(state));
    LOG.info("session {}: started container {}", s.id(), now.container());
    state = RuntimeStates.markStarted(state.with(KEY_CONTAINER_ID, id));
    InspectContainerResponse after = provisioner.find(id).orElseThrow();
    egress.admit(s, after, now.network());
    var endpoints = observer.endpoints(s, after, now.network());
    if (publishes(s)) {
      for (var e : endpoints.entrySet()) {
        state = state.with("port." + e.getKey(), Integer.toString(e.getValue().getPort()));
      }
    }
    // Then the template's other containers, in their order, each once what it waits for of
    // those it starts after holds (ContainerDependencies); the first that fails fails the start
    // with its name, and the caller stops what was started (stop ends them all).
    state = startSidecars(s.withState(state), now, deadline);
    return started(state, endpoints);
  }

  private RuntimeState startSidecars(RuntimeSession s, DockerNames names, Instant deadline) {
    if (s.template().containers().isEmpty()) {
      return s.state();
    }
    RuntimeState state = dependencies.startAuto(s, names, sidecarDefaults(s, names), deadline);
    return sidecars.manualStopped(s.withState(state), names);
  }

  /** See {@link ContainerDefinitions#madeOtherwise}. */
  private Optional<String> madeOtherwise(
      RuntimeSession s, DockerNames names, InspectContainerResponse c) {
    String name =
        names.sharesDns(prefix)
            ? dns.container(prefix, s.template().name(), s.handle())
            : names.container();
    return ContainerDefinitions.madeOtherwise(c, name, s, publishes(s));
  }

  /** Whether the session's app ports are published: never on an internal (egress) network. */
  private boolean publishes(RuntimeSession s) {
    return publishing.publishes() && !s.template().network().egress().restricts();
  }

  private static StartResult started(RuntimeState state, Map<Integer, URI> eps) {
    return new StartResult(state, eps, Optional.ofNullable(state.get(KEY_IMAGE_ID)));
  }

  @Override
  public RuntimeState stop(RuntimeSession s, Duration grace) {
    DockerNames names = names(s);
    egress.forget(s);
    sidecars.stopAll(s, names, grace); // before the main one, which they may talk to
    Optional<InspectContainerResponse> found = provisioner.find(names.container());
    if (found.isPresent() && Boolean.TRUE.equals(found.get().getState().getRunning())) {
      try {
        engine
            .client
            .stopContainerCmd(found.get().getId())
            .withTimeout((int) Math.max(1, grace.toSeconds()))
            .exec();
      } catch (NotModifiedException alreadyStopped) {
        // stopped meanwhile: fine
      } catch (RuntimeException e) {
        if (!DockerEngine.isNotFound(e)) {
          throw DockerEngine.failure("stop container " + names.container(), e);
        }
      }
    }
    RuntimeState state = RuntimeStates.markStopped(s.state());
    for (String key : s.state().values().keySet()) {
      if (key.startsWith("port.")) {
        state = state.with(key, null); // the engine picks new host ports at the next start
      }
    }
    return state;
  }

  @Override
  public CleanupReport destroy(RuntimeSession s) {
    DockerNames names;
    try {
      names = names(s);
    } catch (RuntimeException e) {
      names = DockerNames.generate(prefix, s.template().name(), s.handle(), networks, dns);
    }
    List<String> extra = new ArrayList<>();
    extra.add(FileCommands.helperName(prefix, s));
    Optional.ofNullable(s.state().get(KEY_CONTAINER_ID)).ifPresent(extra::add);
    extra.addAll(sidecars.allNames(s, names));
    egress.forget(s);
    CleanupReport report = cleanup.destroy(s, names, extra);
    if (report.complete()) {
      commands.forget(s);
      Optional.ofNullable(s.state().get(KEY_CONTAINER_ID)).ifPresent(users::forget);
    }
    return report;
  }

  @Override
  public ObservedState inspect(RuntimeSession s) {
    DockerNames names;
    try {
      names = names(s);
    } catch (RuntimeException e) {
      return new ObservedState.Unknown(e.getMessage());
    }
    ObservedState observed = observer.inspect(s, names);
    if (observed instanceof ObservedState.Running
        && s.template().network().egress() instanceof dev.berth.template.EgressPolicy.Allow) {
      // After a Berth restart the egress proxy knows no session yet: the reconciler's inspections
      // tell it again who is where.
      try {
        provisioner.find(names.container()).ifPresent(c -> egress.admit(s, c, names.network()));
      } catch (RuntimeException e) {
        LOG.warn("session {}: cannot tell the egress proxy its address: {}", s.id(), e.toString());
      }
    }
    return observed;
  }

  @Override
  public String logTail(RuntimeSession s, int lines) {
    return observer.logTail(names(s).container(), lines);
  }

  @Override
  public List<ContainerStatus> containers(RuntimeSession s) {
    DockerNames names = names(s);
    List<ContainerStatus> out = new ArrayList<>();
    var main = provisioner.find(names.container());
    ContainerStatus mainStatus =
        SessionSidecars.status(
            SessionContainer.MAIN,
            names.container(),
            main,
            names.network(),
            List.of(),
            !RuntimeStates.started(s.state()));
    if (mainStatus.running()) {
      mainStatus =
          new ContainerStatus(
              mainStatus.type(),
              mainStatus.name(),
              mainStatus.phase(),
              mainStatus.exitCode(),
              mainStatus.detail(),
              observer.endpoints(s, main.get(), names.network()),
              DockerObserver.probeAddresses(s, main.get(), names.network()));
    }
    out.add(mainStatus);
    out.addAll(sidecars.statuses(s, names));
    return out;
  }

  @Override
  public RuntimeState startContainer(RuntimeSession s, String type) {
    DockerNames names = names(s);
    SessionContainer c = declared(s, type);
    var main = provisioner.find(names.container());
    if (main.isEmpty() || !Boolean.TRUE.equals(main.get().getState().getRunning())) {
      throw BerthException.conflict(
          "session '" + s.id() + "' is not running; start it before its container '" + type + "'");
    }
    // Those it waits for come first where they neither run nor are done (ContainerDependencies).
    Instant deadline = Instant.now().plus(s.template().app().startTimeout());
    return dependencies.startOne(s, names, sidecarDefaults(s, names), c, deadline);
  }

  @Override
  public RuntimeState stopContainer(RuntimeSession s, String type, Duration grace) {
    DockerNames names = names(s);
    declared(s, type);
    sidecars.stop(s, names, type, grace);
    return s.state().with(SessionSidecars.stoppedKey(type), "true");
  }

  @Override
  public String logTail(RuntimeSession s, String type, int lines) {
    if (SessionContainer.MAIN.equals(type)) {
      return logTail(s, lines);
    }
    declared(s, type);
    return observer.logTail(sidecars.name(s, names(s), type), lines);
  }

  @Override
  public AutoCloseable followLog(RuntimeSession s, String type, int lines, LogSink sink) {
    String container;
    if (SessionContainer.MAIN.equals(type)) {
      container = names(s).container();
    } else {
      declared(s, type);
      container = sidecars.name(s, names(s), type);
    }
    return DockerLogFollow.start(engine, container, lines, sink);
  }

  @Override
  public WorkspaceAccess workspace(RuntimeSession s, String type) {
    if (SessionContainer.MAIN.equals(type)) {
      return workspace(s);
    }
    declared(s, type);
    DockerNames names = names(s);
    DockerNames in =
        new DockerNames(sidecars.name(s, names, type), names.volume(), names.network());
    return new DockerWorkspace(
        s, in, engine, provisioner, users, files, archives, exec, stable, containers);
  }

  /** The template's container of {@code type}, or NOT_FOUND naming the ones there are. */
  private static SessionContainer declared(RuntimeSession s, String type) {
    return s.template()
        .containers()
        .get(type)
        .orElseThrow(
            () ->
                BerthException.notFound(
                    "session '"
                        + s.id()
                        + "' has no container '"
                        + type
                        + "'; its containers: "
                        + SessionContainer.MAIN
                        + (s.template().containers().isEmpty()
                            ? ""
                            : ", " + String.join(", ", s.template().containers().types()))));
  }

  @Override
  public Optional<dev.berth.runtime.TemplateVolumeStore> templateVolumes() {
    return Optional.of(templateVolumes);
  }

  @Override
  public List<OwnedResource> listOwned() {
    return cleanup.listOwned();
  }

  @Override
  public List<OwnedResource> listOwned(String handle) {
    return cleanup.listOwned(handle);
  }

  @Override
  public WorkspaceAccess workspace(RuntimeSession s) {
    return new DockerWorkspace(
        s, names(s), engine, provisioner, users, files, archives, exec, stable, containers);
  }

  /**
   * Follows the engine's events for this installation's session containers; see {@link
   * DockerEvents}. Reports DISCONNECTED and RECONNECTED around an engine restart. While it runs, an
   * exit can be known to be on its own ({@link ContainerExits}); without it, none is.
   */
  @Override
  public AutoCloseable watch(Consumer<RuntimeEvent> listener) {
    return new DockerEvents(engine, instance, listener, exits).start();
  }

  @Override
  public void close() {
    engine.close();
  }
}
