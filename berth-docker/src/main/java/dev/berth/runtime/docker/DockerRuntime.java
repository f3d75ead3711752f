package dev.berth.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.images.ImageEngine;
import dev.berth.runtime.Capabilities;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.RuntimeEvent;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspacePath;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * files, and start costs just the engine's start. Stop keeps the container and the volume.
 *
 * <p>State ({@link RuntimeState}, version {@value #STATE_VERSION}): {@code container}, {@code
 * volume}, {@code network} (names), {@code containerId}, {@code image} (the reference the container
 * was created from), {@code imageId} (the image it runs), {@code started} ("true" between start and
 * stop), {@code port.<n>} (host port of app port n while running).
 *
 * <p>Images: a template names one ({@code image}), or Berth builds it from the template's
 * Dockerfile as {@code <prefix>/<template>:latest} (see {@link DockerImageEngine}), or it runs
 * Berth's default image. A container keeps the image it was created from; {@link #renew} lets a
 * stopped session's next start use the newest one.
 */
public final class DockerRuntime implements SessionRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
  static final int STATE_VERSION = 1;
  private static final String KEY_CONTAINER_ID = "containerId";
  private static final String KEY_IMAGE = "image";
  static final String KEY_IMAGE_ID = "imageId";
  private static final String KEY_STARTED = "started";

  private final DockerEngine engine;
  private final SessionNetworks networks;
  private final String prefix;
  private final String instance;
  private final DefaultImage defaultImage;
  private final DockerProvisioner provisioner;
  private final DockerCleanup cleanup;
  private final DockerExec exec;
  private final DockerArchives archives;
  private final DockerFiles files;
  private final FileCommands commands;
  private final DockerObserver observer;
  private final ContainerUsers users;
  private final DockerImageEngine images;
  private final SessionImages sessionImages;
  private final SharedFiles sharedFiles;

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
    DockerNames.checkPrefix(prefix);
    if (instance == null || instance.isBlank()) {
      throw BerthException.badRequest("a Berth instance id is required for Docker labels");
    }
    this.engine = engine;
    this.networks = networks;
    this.prefix = prefix;
    this.instance = instance;
    this.defaultImage = new DefaultImage(engine, prefix, busybox);
    this.provisioner = new DockerProvisioner(engine, instance);
    this.cleanup = new DockerCleanup(engine, instance);
    this.exec = new DockerExec(engine);
    this.archives = new DockerArchives(engine);
    this.commands = new FileCommands(engine, exec, defaultImage, prefix, instance);
    this.files = new DockerFiles(archives, commands);
    this.observer = new DockerObserver(engine, provisioner);
    this.users = new ContainerUsers(engine);
    this.images = new DockerImageEngine(engine, prefix, instance);
    this.sessionImages = new SessionImages(images, defaultImage, provisioner);
    this.sharedFiles = sharedFiles;
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

  /** The image used for templates without one, {@code <prefix>/default:latest}. */
  public String defaultImageReference() {
    return defaultImage.reference();
  }

  @Override
  public String kind() {
    return "docker";
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, true, true, true, true, true);
  }

  private DockerNames names(RuntimeSession s) {
    if (s.state().version() > STATE_VERSION) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "session '"
              + s.id()
              + "' has Docker state version "
              + s.state().version()
              + ", newer than this Berth understands ("
              + STATE_VERSION
              + ")");
    }
    return DockerNames.of(s.state(), prefix, s.template().name(), s.id(), networks);
  }

  @Override
  public Optional<ImageEngine> imageEngine() {
    return Optional.of(images);
  }

  @Override
  public Optional<String> imageId(RuntimeSession s) {
    return Optional.ofNullable(s.state().get(KEY_IMAGE_ID));
  }

  /**
   * Removes the stopped container (never the volume) and forgets which image it ran, so the next
   * start creates the container again from the template's image as it is now.
   */
  @Override
  public RuntimeState renew(RuntimeSession s) {
    DockerNames names = names(s);
    Optional<InspectContainerResponse> found = provisioner.find(names.container());
    if (found.isPresent()) {
      if (running(found.get())) {
        throw BerthException.conflict("session '" + s.id() + "' is running; stop it to renew it");
      }
      try {
        engine.client.removeContainerCmd(found.get().getId()).withRemoveVolumes(false).exec();
      } catch (RuntimeException e) {
        if (!DockerEngine.isNotFound(e)) {
          throw DockerEngine.failure("remove container " + names.container(), e);
        }
      }
      users.forget(found.get().getId());
      LOG.info("session {}: removed container {} to renew its image", s.id(), names.container());
    }
    return s.state().with(KEY_CONTAINER_ID, null).with(KEY_IMAGE, null).with(KEY_IMAGE_ID, null);
  }

  @Override
  public RuntimeState prepare(RuntimeSession s) {
    DockerNames names = names(s);
    // The recorded image, so a template edit never swaps a live session's image underneath it;
    // Berth's own default image is rebuilt if it was pruned.
    String recorded = s.state().get(KEY_IMAGE);
    String image = recorded == null ? sessionImages.resolve(s) : sessionImages.recorded(recorded);
    boolean newVolume = provisioner.ensureVolume(s, names.volume());
    if (names.network().equals(DockerNames.sharedNetwork(prefix))) {
      provisioner.ensureSharedNetwork(names.network());
    } else {
      provisioner.ensureNetwork(s, names.network());
    }
    InspectContainerResponse container = createContainer(s, names, image);
    ContainerPaths paths = paths(s, container);
    if (newVolume) {
      archives.ownRoot(paths);
    }
    s.template().workspace().skeleton().ifPresent(skeleton -> archives.seed(paths, skeleton));
    return names
        .into(s.state().withVersion(STATE_VERSION))
        .with(KEY_CONTAINER_ID, container.getId())
        .with(KEY_IMAGE, image)
        .with(KEY_IMAGE_ID, container.getImageId());
  }

  private InspectContainerResponse createContainer(
      RuntimeSession s, DockerNames names, String image) {
    // A shared folder that is not there (yet) is not mounted: Docker would refuse the container.
    SharedFiles shared =
        sharedFiles.hostDirectory().filter(java.nio.file.Files::isDirectory).isPresent()
            ? sharedFiles
            : SharedFiles.NONE;
    var spec =
        ContainerSpec.of(s, names, image, provisioner.labels(s, DockerLabels.TYPE_SESSION), shared);
    return provisioner.ensureContainer(s, spec);
  }

  @Override
  public RuntimeState start(RuntimeSession s) {
    DockerNames names = names(s);
    Optional<InspectContainerResponse> found = provisioner.find(names.container());
    if (found.isPresent() && Boolean.TRUE.equals(found.get().getState().getRunning())) {
      return s.state();
    }
    if (!provisioner.volumeExists(names.volume())) {
      throw BerthException.conflict(
          "session '"
              + s.id()
              + "' has no workspace volume "
              + names.volume()
              + "; it cannot start");
    }
    RuntimeState state = s.state();
    if (found.isEmpty()) {
      // A lost container is recreated on the same volume; the workspace is all that matters.
      state = prepare(s);
    }
    String id = found.map(InspectContainerResponse::getId).orElse(state.get(KEY_CONTAINER_ID));
    try {
      engine.client.startContainerCmd(id).exec();
    } catch (NotModifiedException alreadyRunning) {
      // started meanwhile by someone else: fine
    } catch (RuntimeException e) {
      throw DockerEngine.failure("start container " + names.container(), e);
    }
    LOG.info("session {}: started container {}", s.id(), names.container());
    state = state.with(KEY_CONTAINER_ID, id).with(KEY_STARTED, "true");
    InspectContainerResponse after = provisioner.find(id).orElseThrow();
    for (var e : DockerObserver.endpoints(s, after).entrySet()) {
      state = state.with("port." + e.getKey(), Integer.toString(e.getValue().getPort()));
    }
    return state;
  }

  @Override
  public RuntimeState stop(RuntimeSession s, Duration grace) {
    DockerNames names = names(s);
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
    RuntimeState state = s.state().with(KEY_STARTED, null);
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
      names = DockerNames.generate(prefix, s.template().name(), s.id(), networks);
    }
    List<String> extra = new ArrayList<>();
    extra.add(FileCommands.helperName(prefix, s));
    Optional.ofNullable(s.state().get(KEY_CONTAINER_ID)).ifPresent(extra::add);
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
    return observer.inspect(s, names, "true".equals(s.state().get(KEY_STARTED)));
  }

  @Override
  public String logTail(RuntimeSession s, int lines) {
    return observer.logTail(names(s).container(), lines);
  }

  @Override
  public List<OwnedResource> listOwned() {
    return cleanup.listOwned();
  }

  @Override
  public Optional<URI> endpoint(RuntimeSession s, int port) {
    try {
      return provisioner
          .find(names(s).container())
          .filter(c -> Boolean.TRUE.equals(c.getState().getRunning()))
          .map(c -> DockerObserver.endpoints(s, c).get(port));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  // ---- files and exec --------------------------------------------------------------------------

  private ContainerPaths paths(RuntimeSession s, InspectContainerResponse c) {
    String user = c.getConfig() == null ? "" : c.getConfig().getUser();
    return new ContainerPaths(
        engine, c.getId(), s.template().workspace().path(), users.of(c.getId(), user));
  }

  /** The session container, which every file call needs (created at prepare). */
  private InspectContainerResponse container(RuntimeSession s) {
    DockerNames names = names(s);
    return provisioner
        .find(names.container())
        .orElseThrow(
            () ->
                BerthException.conflict(
                    "session '"
                        + s.id()
                        + "' has no container "
                        + names.container()
                        + " (was it removed?); start it again"));
  }

  private ContainerPaths paths(RuntimeSession s) {
    return paths(s, container(s));
  }

  @Override
  public byte[] readFile(RuntimeSession s, WorkspacePath path, long maxBytes) {
    return files.read(paths(s), path, maxBytes);
  }

  @Override
  public void writeFile(RuntimeSession s, WorkspacePath path, InputStream data, long maxBytes) {
    files.write(paths(s), path, data, maxBytes);
  }

  @Override
  public List<FileEntry> list(RuntimeSession s, WorkspacePath directory) {
    var c = container(s);
    return files.list(s, names(s), running(c), paths(s, c), directory);
  }

  @Override
  public Optional<FileEntry> stat(RuntimeSession s, WorkspacePath path) {
    return files.stat(paths(s), path);
  }

  @Override
  public void delete(RuntimeSession s, WorkspacePath path, boolean recursive) {
    var c = container(s);
    files.delete(s, names(s), running(c), paths(s, c), path, recursive);
  }

  @Override
  public void move(RuntimeSession s, WorkspacePath from, WorkspacePath to) {
    var c = container(s);
    files.move(s, names(s), running(c), paths(s, c), from, to);
  }

  @Override
  public void makeDirectory(RuntimeSession s, WorkspacePath path) {
    files.makeDirectory(paths(s), path);
  }

  @Override
  public void putArchive(RuntimeSession s, WorkspacePath directory, InputStream tar) {
    archives.put(paths(s), directory, tar);
  }

  @Override
  public void getArchive(RuntimeSession s, WorkspacePath path, OutputStream out) {
    archives.get(paths(s), path, out);
  }

  private static boolean running(InspectContainerResponse c) {
    return Boolean.TRUE.equals(c.getState().getRunning());
  }

  @Override
  public ExecResult exec(RuntimeSession s, ExecRequest request) {
    var c = container(s);
    if (!running(c)) {
      throw BerthException.conflict("session '" + s.id() + "' is not running; start it to exec");
    }
    ContainerPaths paths = paths(s, c);
    String cwd = paths.follow(request.cwd());
    if (!paths.stat(cwd).map(PathStat::isDirectory).orElse(false)) {
      throw BerthException.badRequest("cwd '" + request.cwd() + "' is not a directory");
    }
    boolean hasShell = engine.stat(c.getId(), "/bin/sh").isPresent();
    Map<String, String> env = new TreeMap<>(s.template().container().env());
    env.put("BERTH_SESSION_ID", s.id().value());
    env.put("BERTH_WORKSPACE", s.template().workspace().path());
    env.putAll(request.env());
    List<String> envList =
        env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    return exec.run(
        c.getId(),
        paths.owner(),
        request.argv(),
        cwd,
        envList,
        request.stdin(),
        request.timeout(),
        request.maxOutputBytes(),
        hasShell);
  }

  /**
   * Follows the engine's events for this installation's session containers; see {@link
   * DockerEvents}. Reports DISCONNECTED and RECONNECTED around an engine restart.
   */
  @Override
  public AutoCloseable watch(Consumer<RuntimeEvent> listener) {
    return new DockerEvents(engine, instance, listener).start();
  }

  @Override
  public void close() {
    engine.close();
  }
}
