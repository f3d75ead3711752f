package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.Ability;
import dev.berth.runtime.CleanupReport;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.LogSink;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.OwnedResource;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeEvent;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.runtime.RuntimeStates;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.SpoolDir;
import dev.berth.runtime.StartResult;
import dev.berth.runtime.WorkspaceAccess;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions on a Kubernetes cluster: per session a PersistentVolumeClaim (the workspace), a pod (the
 * app, or a shell that stays alive for exec), a Service for the app's ports and, optionally, a
 * NetworkPolicy that admits only Berth; manifests in {@link KubeManifests}, names in {@link
 * KubeNames}, labels in {@link KubeLabels}. Why a bare pod and not a StatefulSet of one: see
 * docs/kubernetes.md (Berth's reconciler is the controller; a second one would fight it over
 * restarts and stops).
 *
 * <p>Prepare makes the PVC, the Service and the policy, and seeds the skeleton through a helper pod
 * ({@code <name>-h}) that mounts the PVC. Start removes the helper and creates the session pod,
 * waiting until it runs. Stop deletes the pod and keeps the PVC. Files and exec ({@link
 * PodWorkspace}) go through the API server's exec endpoint ({@link PodFiles}, {@link
 * PodProcesses}): into the session pod when it runs, else into the helper pod, made on demand and
 * removed at the next start or at destroy.
 *
 * <p>Endpoints ({@link EndpointMode}) are the Service's cluster DNS name ({@code
 * http://<name>.<namespace>.svc:<port>/}), which a Berth running in the cluster reaches directly,
 * or, for a Berth outside, {@code http://127.0.0.1:<local port>/} through port-forwards to the
 * session's pod ({@link PortForwards}; see docs/kubernetes.md).
 *
 * <p>State ({@link RuntimeState}, version {@value #STATE_VERSION}): {@code namespace}, {@code name}
 * (of every object, from the session's handle), {@code image}, {@code started} ("true" between
 * start and stop, {@link RuntimeStates}), {@code templateVolume} (the ConfigMap of the template's
 * files the session was made with, for a template with {@code templateVolume}).
 */
public final class KubernetesRuntime implements SessionRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);
  static final int STATE_VERSION = 1;
  static final String KEY_IMAGE = "image";

  /** The template volume's ConfigMap the session's pods mount ({@link KubeTemplateVolumes}). */
  static final String KEY_TEMPLATE_VOLUME = "templateVolume";

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final KubernetesOptions options;
  private final PodExec exec;
  private final PodProcesses processes;
  private final PodFiles files;
  private final PodArchives archives;
  private final KubeCleanup cleanup;
  private final EndpointMode endpointMode;
  private final PortForwards forwards;
  private final KubePods pods;
  private final PodTargets targets;
  private final KubeTemplateVolumes templateVolumes;

  /** Uses a client made elsewhere (tests, or a caller with its own configuration). */
  public KubernetesRuntime(KubernetesClient client, KubernetesOptions options) {
    this(client, false, options);
  }

  KubernetesRuntime(KubernetesClient client, boolean owns, KubernetesOptions options) {
    this.client = client;
    this.ownsClient = owns;
    this.options = options;
    this.exec = new PodExec(client);
    this.processes = new PodProcesses(client, exec);
    var spool = new SpoolDir(options.spoolDir());
    this.files = new PodFiles(exec, spool);
    this.archives = new PodArchives(files, spool);
    this.cleanup = new KubeCleanup(client, options.instance());
    this.endpointMode = options.endpoints().resolve(System.getenv());
    this.forwards = new PortForwards(client);
    this.pods = new KubePods(client, options.startTimeout());
    this.targets = new PodTargets(client, options, pods);
    this.templateVolumes = new KubeTemplateVolumes(client, options);
    LOG.debug("Kubernetes endpoints: {} ({})", endpointMode.key(), options.endpoints().key());
  }

  /** How this runtime's endpoints are reached: {@code AUTO} resolved for this process. */
  public EndpointMode endpointMode() {
    return endpointMode;
  }

  /** Sessions with port-forwards open (tests). */
  Set<String> forwardedSessions() {
    return forwards.open();
  }

  /** Null when the API server answers and lets Berth list pods in its namespace, else why not. */
  public String ping() {
    try {
      client
          .pods()
          .inNamespace(options.namespace())
          .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
      return null;
    } catch (RuntimeException e) {
      return KubeFailures.reason(e);
    }
  }

  public KubernetesOptions options() {
    return options;
  }

  @Override
  public String kind() {
    return "kubernetes";
  }

  @Override
  public Set<Ability> abilities() {
    Set<Ability> abilities =
        EnumSet.of(
            Ability.APP_PROCESSES,
            Ability.PUBLISHED_PORTS,
            Ability.RESOURCE_LIMITS,
            Ability.IMAGES,
            Ability.EXEC_STDIN,
            Ability.CONTAINERS,
            Ability.PROCESSES,
            Ability.TTY,
            Ability.LOG_FOLLOW);
    if (options.networkPolicy()) {
      abilities.add(Ability.NETWORK_ISOLATION);
    }
    return abilities;
  }

  private KubeNames names(RuntimeSession s) {
    RuntimeStates.requireUnderstood(s, "Kubernetes", STATE_VERSION);
    return KubeNames.of(
        s.state(), options.namespace(), options.prefix(), s.template().name(), s.handle());
  }

  private String image(RuntimeSession s) {
    String recorded = s.state().get(KEY_IMAGE);
    if (recorded != null) {
      return recorded; // a template edit never swaps a live session's image underneath it
    }
    return templateImage(s);
  }

  /** The image the session's template names now, else the configured default. */
  private String templateImage(RuntimeSession s) {
    return s.template()
        .image()
        .reference()
        .filter(i -> !i.isBlank())
        .orElse(options.defaultImage());
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * What a cluster can be told to refuse before anything exists: a template user that is root or
   * not numeric, a capability that is not one, and an image Berth builds (it lives on a Docker
   * engine; no node can pull it). What cannot be known without a pod: whether the nodes can pull a
   * named image (registry, credentials, caches), and whether the pod will be scheduled; the start
   * reports those (ImagePullBackOff, FailedScheduling).
   */
  @Override
  public List<PreflightProblem> preflight(RuntimeSession s) {
    return KubePreflight.problems(s.template(), options);
  }

  @Override
  public RuntimeState prepare(RuntimeSession s) {
    Template t = s.template();
    KubeManifests.runAs(t, options); // bad templates fail before anything exists
    KubeManifests.capabilities(t);
    KubeNames n = names(s);
    String image = image(s);
    Instant now = Instant.now();
    RuntimeState state = n.into(s.state().withVersion(STATE_VERSION)).with(KEY_IMAGE, image);
    // a prepare again (after a failed start, say) keeps the files the session was made with
    var files = templateFiles(s, s.state());
    if (files.isPresent()) {
      state = state.with(KEY_TEMPLATE_VOLUME, files.get().configMap());
    }
    RuntimeSession named = s.withState(state);
    ensure(named, KubeManifests.pvc(named, n, options, now));
    if (!t.app().ports().isEmpty()) {
      ensure(named, KubeManifests.service(named, n, options, now));
    }
    if (options.networkPolicy()) {
      ensure(named, KubeManifests.networkPolicy(named, n, options, now));
    }
    if (t.workspace().skeleton().isPresent()) {
      archives.seed(targets.forFiles(named, n, image), t.workspace().skeleton().get());
    }
    return state;
  }

  /** Creates {@code object} unless this session's object of that name is already there. */
  private void ensure(RuntimeSession s, HasMetadata object) {
    String what =
        object.getKind().toLowerCase(java.util.Locale.ROOT) + " " + object.getMetadata().getName();
    try {
      client.resource(object).inNamespace(object.getMetadata().getNamespace()).create();
      LOG.info("session {}: created {}", s.id(), what);
    } catch (RuntimeException e) {
      if (!KubeFailures.isConflict(e)) {
        throw KubeFailures.failure("create " + what, e);
      }
      HasMetadata existing =
          client.resource(object).inNamespace(object.getMetadata().getNamespace()).get();
      if (existing == null
          || !KubeLabels.owns(existing.getMetadata().getLabels(), s.handle(), options.instance())) {
        throw BerthException.conflict(
            "a "
                + what
                + " exists in namespace "
                + object.getMetadata().getNamespace()
                + " that is not session '"
                + s.id()
                + "''s; remove it or pick another prefix");
      }
    }
  }

  @Override
  public StartResult start(RuntimeSession s) {
    KubeNames n = names(s);
    Pod current = pods.pod(n, n.pod());
    if (current != null
        && current.getMetadata().getDeletionTimestamp() == null
        && !KubeObserver.ended(current)) {
      if (!KubeObserver.running(current)) {
        pods.awaitRunning(n, n.pod()); // a start that an earlier call (or manager) began: finish it
        current = pods.pod(n, n.pod());
      }
      return StartResult.of(s.state(), runningEndpoints(s, n, current));
    }
    // A template edited since the create (which refused this) is not run without its waits.
    KubePreflight.waitRefused(s.template())
        .ifPresent(
            m -> {
              throw new BerthException(ErrorCode.PRECONDITION_FAILED, m);
            });
    if (pods.pvc(n) == null) {
      throw BerthException.conflict(
          "session '"
              + s.id()
              + "' has no workspace volume claim "
              + n.pvc()
              + "; it cannot start");
    }
    RuntimeState state = s.state().isEmpty() ? prepare(s) : s.state();
    // Every start makes a new pod from the template as it is now (command, env, ports, user,
    // limits from the manifest below), its image included: a stopped session has no pod to keep.
    state = n.into(state.withVersion(STATE_VERSION)).with(KEY_IMAGE, templateImage(s));
    var files = templateFiles(s, state);
    if (files.isPresent()) {
      state = state.with(KEY_TEMPLATE_VOLUME, files.get().configMap());
    }
    RuntimeSession named = s.withState(state);
    // Before the pod exists, so it never runs a moment without its template's egress policy.
    KubeEgress.apply(client, named, n, options);
    pods.deleteAndWait(n, n.helperPod(), 0); // a ReadWriteOnce volume wants one pod at a time
    if (current != null) {
      pods.deleteAndWait(n, n.pod(), 0); // an ended pod cannot run again: a new one takes its name
    }
    try {
      client
          .resource(
              KubeManifests.sessionPod(
                  named, n, options, state.get(KEY_IMAGE), Instant.now(), files))
          .inNamespace(n.namespace())
          .create();
    } catch (RuntimeException e) {
      throw KubeFailures.failure("create pod " + n.pod(), e);
    }
    LOG.info("session {}: created pod {}", s.id(), n.pod());
    pods.awaitRunning(n, n.pod());
    // port-forward mode: the listeners open now
    Map<Integer, URI> endpoints = runningEndpoints(named, n, pods.pod(n, n.pod()));
    return StartResult.of(RuntimeStates.markStarted(state), endpoints);
  }

  /**
   * The template files a new pod of the session mounts: the ConfigMap it was made with while that
   * is there (a session keeps its files when the template's change), else (collected while the
   * session was stopped and no pod used it, or a session from before the template had them) the one
   * of the template's files as they are now.
   */
  private java.util.Optional<KubeTemplateVolumes.Mounted> templateFiles(
      RuntimeSession s, RuntimeState state) {
    var wanted = s.template().workspace().templateVolume();
    if (wanted.isEmpty()) {
      return java.util.Optional.empty();
    }
    String recorded = state.get(KEY_TEMPLATE_VOLUME);
    if (recorded != null) {
      var kept = templateVolumes.existing(recorded, wanted.get().path());
      if (kept.isPresent()) {
        return kept;
      }
      LOG.info("session {}: template volume {} is gone; it gets the current one", s.id(), recorded);
    }
    return templateVolumes.ensure(s.template());
  }

  /** The endpoints of a pod that runs; none while it does not (yet). */
  private Map<Integer, URI> runningEndpoints(RuntimeSession s, KubeNames n, Pod pod) {
    Map<Integer, URI> all = endpoints(s, n, pod);
    return KubeObserver.running(pod) ? all : Map.of();
  }

  @Override
  public RuntimeState stop(RuntimeSession s, Duration grace) {
    KubeNames n = names(s);
    forwards.close(s.handle());
    if (pods.pod(n, n.pod()) != null) {
      pods.deleteAndWait(n, n.pod(), Math.max(1, grace.toSeconds()));
      LOG.info("session {}: deleted pod {}", s.id(), n.pod());
    }
    return RuntimeStates.markStopped(s.state());
  }

  @Override
  public CleanupReport destroy(RuntimeSession s) {
    forwards.close(s.handle());
    KubeNames n;
    try {
      n = names(s);
    } catch (RuntimeException e) {
      n =
          KubeNames.generate(
              options.namespace(), options.prefix(), s.template().name(), s.handle());
    }
    return cleanup.destroy(s.handle(), n);
  }

  @Override
  public ObservedState inspect(RuntimeSession s) {
    try {
      KubeNames n = names(s);
      Pod pod = pods.pod(n, n.pod());
      return KubeObserver.state(
          pods.pvc(n), pod, RuntimeStates.started(s.state()), endpoints(s, n, pod));
    } catch (RuntimeException e) {
      return new ObservedState.Unknown(KubeFailures.reason(e));
    }
  }

  /**
   * The session's endpoints. Service mode: the Service's DNS name per port (whether the pod runs or
   * not; only a running pod's are reported). Port-forward mode: the forwards to a running pod,
   * opened here when missing or dead, and closed here when the pod does not run.
   */
  private Map<Integer, URI> endpoints(RuntimeSession s, KubeNames n, Pod pod) {
    Map<Integer, URI> out = new TreeMap<>();
    if (endpointMode == EndpointMode.SERVICE) {
      for (int port : s.template().app().ports()) {
        out.put(port, URI.create("http://" + n.serviceHost() + ":" + port + "/"));
      }
      return out;
    }
    if (s.template().app().ports().isEmpty() || !KubeObserver.running(pod)) {
      forwards.suspend(s.handle()); // nothing to forward to; a restart gets the ports back
      return out;
    }
    try {
      return forwards.endpoints(s.handle(), n.namespace(), n.pod(), s.template().app().ports());
    } catch (RuntimeException e) {
      // a local failure (no free port): the session still runs, its endpoints are missing
      LOG.warn("session {}: cannot open its port-forwards: {}", s.id(), e.toString());
      return out;
    }
  }

  @Override
  public String logTail(RuntimeSession s, int lines) {
    return log(s, KubeManifests.CONTAINER, lines);
  }

  private String log(RuntimeSession s, String container, int lines) {
    KubeNames n = names(s);
    try {
      String log =
          client
              .pods()
              .inNamespace(n.namespace())
              .withName(n.pod())
              .inContainer(container)
              .tailingLines(Math.max(0, lines))
              .getLog();
      return log == null ? "" : log.endsWith("\n") ? log.substring(0, log.length() - 1) : log;
    } catch (RuntimeException e) {
      if (KubeFailures.isNotFound(e)) {
        return "";
      }
      return "(cannot read the pod's log: " + KubeFailures.reason(e) + ")";
    }
  }

  // ---- a session's several containers ----------------------------------------------------------

  @Override
  public List<ContainerStatus> containers(RuntimeSession s) {
    KubeNames n = names(s);
    Pod pod = pods.pod(n, n.pod());
    return KubeContainers.of(
        s.template(), n.pod(), pod, RuntimeStates.started(s.state()), runningEndpoints(s, n, pod));
  }

  /**
   * Refused: the pod's containers are started together by the kubelet when the pod is made, and an
   * ended one is restarted by the kubelet only under the pod's restartPolicy (Never for sessions);
   * the API has no call that starts or stops one container of a running pod.
   */
  @Override
  public RuntimeState startContainer(RuntimeSession s, String type) {
    throw alone(s, type, "start");
  }

  @Override
  public RuntimeState stopContainer(RuntimeSession s, String type, Duration grace) {
    throw alone(s, type, "stop");
  }

  private BerthException alone(RuntimeSession s, String type, String verb) {
    declared(s, type);
    return BerthException.conflict(
        "Kubernetes cannot "
            + verb
            + " container '"
            + type
            + "' of session '"
            + s.id()
            + "' alone: the kubelet starts a pod's containers together and restarts them itself"
            + " per the pod's restartPolicy (Never for Berth's sessions). Stop and start the"
            + " session, or use the docker backend");
  }

  /** {@code NOT_FOUND} unless {@code type} is the main container or one of the template's. */
  private static void declared(RuntimeSession s, String type) {
    if (!SessionContainer.MAIN.equals(type) && s.template().containers().get(type).isEmpty()) {
      throw BerthException.notFound(
          "session '"
              + s.id()
              + "' has no container '"
              + type
              + "'; its containers: "
              + s.template().containers().types());
    }
  }

  @Override
  public String logTail(RuntimeSession s, String type, int lines) {
    declared(s, type);
    return log(s, SessionContainer.MAIN.equals(type) ? KubeManifests.CONTAINER : type, lines);
  }

  /**
   * Follows the log of the session pod's container of {@code type} ({@code session}: the app's
   * container, {@link KubeManifests#CONTAINER}; any other: the pod container named by its type),
   * through the API server's {@code pods/log?follow=true} ({@link PodLogFollow}). A stop deletes
   * the pod, which ends the follow; a session with no pod (stopped, or not started) gets a log that
   * ends at once, saying so. Only the session pod is followed, never the helper pod that serves
   * files while the session is stopped: it runs no app.
   */
  @Override
  public AutoCloseable followLog(RuntimeSession s, String type, int lines, LogSink sink) {
    declared(s, type);
    KubeNames n = names(s);
    String container = SessionContainer.MAIN.equals(type) ? KubeManifests.CONTAINER : type;
    return PodLogFollow.start(client, n.namespace(), n.pod(), container, lines, sink);
  }

  @Override
  public WorkspaceAccess workspace(RuntimeSession s, String type) {
    declared(s, type);
    if (SessionContainer.MAIN.equals(type)) {
      return workspace(s);
    }
    // An extra container exists only in the running session pod: no helper pod stands in for it.
    return new PodWorkspace(
        files,
        archives,
        processes,
        () -> targets.forExec(s, names(s)).in(type),
        () -> targets.forExec(s, names(s)).in(type));
  }

  @Override
  public java.util.Optional<dev.berth.runtime.TemplateVolumeStore> templateVolumes() {
    return java.util.Optional.of(templateVolumes);
  }

  @Override
  public List<OwnedResource> listOwned() {
    return cleanup.listOwned(options.namespace());
  }

  @Override
  public List<OwnedResource> listOwned(String handle) {
    return cleanup.listOwned(options.namespace(), handle);
  }

  @Override
  public AutoCloseable watch(Consumer<RuntimeEvent> listener) {
    return new KubeWatcher(client, options.namespace(), options.instance(), listener);
  }

  // ---- files and exec --------------------------------------------------------------------------

  @Override
  public WorkspaceAccess workspace(RuntimeSession s) {
    return new PodWorkspace(
        files,
        archives,
        processes,
        () -> targets.forFiles(s, names(s), image(s)),
        () -> targets.forExec(s, names(s)));
  }

  @Override
  public void close() {
    forwards.close();
    if (ownsClient) {
      client.close();
    }
  }
}
