package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.ContainerNetwork;
import dev.berth.base.BerthException;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.template.SessionContainer;
import dev.berth.template.Template;
import dev.berth.template.TemplateDefinition;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers a session runs beside its main one (the template's {@code containers:}).
 *
 * <p>Names: {@code <prefix>-<type>-<template>-<handle>}, like the main container's {@code
 * <prefix>-session-...}; on a network shared with other sessions {@code <prefix>-<type>-<16 hex>}
 * ({@link DnsNames}). Each is persisted in the state as {@code container.<type>} once made.
 *
 * <p>Network: the session's containers reach each other by type (a network alias; the main one as
 * {@code session}) on a network only they are on. With a network of its own that is the session's
 * network. On the shared network inter-container traffic is dropped for everyone, the session's own
 * containers too, so a session of several containers gets a bridge network of its own beside it,
 * {@code <prefix>-net-<template>-<handle>} (state {@code linksNetwork}): its extra containers are
 * only there, and the main one joins it too. Other sessions are on neither, so they reach none of
 * them, and Docker's DNS on the shared network still shows only the main container's opaque name.
 *
 * <p>Lifecycle: made and started at the session's start, after the main one, in {@code after}
 * order, each once what it waits for holds ({@link ContainerDependencies}; {@code manual} ones only
 * on request); stopped before the main one; removed with the session by its labels ({@link
 * DockerCleanup}). A stopped container whose definition changed ({@link
 * TemplateDefinition#fingerprint(Template, SessionContainer)}) is made again.
 */
final class SessionSidecars {
  private static final Logger LOG = LoggerFactory.getLogger(SessionSidecars.class);
  static final String KEY_LINKS_NETWORK = "linksNetwork";
  static final String ALIAS_MAIN = SessionContainer.MAIN;

  private final DockerEngine engine;
  private final DockerProvisioner provisioner;
  private final String prefix;
  private final DnsNames dns;
  private final SessionImages images;

  SessionSidecars(
      DockerEngine engine,
      DockerProvisioner provisioner,
      String prefix,
      DnsNames dns,
      SessionImages images) {
    this.engine = engine;
    this.provisioner = provisioner;
    this.prefix = prefix;
    this.dns = dns;
    this.images = images;
  }

  static String stateKey(String type) {
    return "container." + type;
  }

  /** Set while a container is stopped on request, so its end is not taken for a crash. */
  static String stoppedKey(String type) {
    return "stopped." + type;
  }

  /** The container's name: the persisted one, else the one it gets. */
  String name(RuntimeSession s, DockerNames names, String type) {
    String kept = s.state().get(stateKey(type));
    if (kept != null) {
      return kept;
    }
    return names.sharesDns(prefix)
        ? dns.container(prefix, type, s.template().name(), s.handle())
        : prefix + "-" + type + "-" + s.template().name() + "-" + s.handle();
  }

  /** The network the session's containers reach each other on; see the class comment. */
  String linksNetwork(RuntimeSession s, DockerNames names) {
    return s.state()
        .getOrDefault(
            KEY_LINKS_NETWORK,
            names.sharesDns(prefix)
                ? prefix + "-net-" + s.template().name() + "-" + s.handle()
                : names.network());
  }

  /** What the Docker backend cannot give a template's containers, before anything is made. */
  List<PreflightProblem> preflight(RuntimeSession s) {
    Template t = s.template();
    List<PreflightProblem> problems = new ArrayList<>();
    if (t.containers().isEmpty()) {
      return problems;
    }
    if (t.network().egress().restricts()) {
      problems.add(
          new PreflightProblem.Unmet(
              "template '"
                  + t.name()
                  + "': an egress policy and several containers together are not supported on"
                  + " Docker yet (the extra containers would need the policy's network too)"));
    }
    for (SessionContainer c : t.containers().inStartOrder()) {
      if (!c.subPath().isEmpty()) {
        problems.add(
            new PreflightProblem.Unmet(
                "container '"
                    + c.type()
                    + "' mounts the workspace's sub-path '"
                    + c.subPath()
                    + "': Docker mounts a volume's sub-path only from Engine API 1.45 (Docker"
                    + " 26), which Berth's Docker client cannot ask for yet; mount all of it"
                    + " (readOnly works)"));
      }
      c.image()
          .filter(image -> !imagePresent(image))
          .ifPresent(
              image ->
                  problems.add(
                      new PreflightProblem.Unmet(
                          "image '"
                              + image
                              + "' of container '"
                              + c.type()
                              + "' is not on the Docker engine; build or load it first (Berth"
                              + " never pulls)")));
      // Not built yet: reported as the main image is, so a create with "build" builds it first.
      c.templateImage().flatMap(i -> images.preflight(c.type(), i)).ifPresent(problems::add);
    }
    return problems;
  }

  private boolean imagePresent(String image) {
    try {
      provisioner.requireImage(image);
      return true;
    } catch (BerthException e) {
      if (e.getMessage().contains("is not on the Docker engine")) {
        return false;
      }
      throw e;
    }
  }

  /**
   * After the main container was made: the links network where it is another one, the main one on
   * it as {@value #ALIAS_MAIN}. Returns the network's name, for the state.
   */
  String prepareLinks(RuntimeSession s, DockerNames names, InspectContainerResponse main) {
    String links = linksNetwork(s, names);
    if (!links.equals(names.network())) {
      provisioner.ensureNetwork(s, links);
      boolean attached =
          main.getNetworkSettings() != null
              && main.getNetworkSettings().getNetworks() != null
              && main.getNetworkSettings().getNetworks().containsKey(links);
      if (!attached) {
        try {
          engine
              .client
              .connectToNetworkCmd()
              .withNetworkId(links)
              .withContainerId(main.getId())
              .withContainerNetwork(new ContainerNetwork().withAliases(ALIAS_MAIN))
              .exec();
        } catch (RuntimeException e) {
          throw DockerEngine.failure("connect " + names.container() + " to " + links, e);
        }
      }
    }
    return links;
  }

  /**
   * Starts one container (made first when missing, or made again when stopped and outdated); a
   * running one is left as it is. {@link ContainerDependencies} calls it in start order, once what
   * the container waits for holds.
   */
  RuntimeState start(RuntimeSession s, DockerNames names, ContainerSpec main, SessionContainer c) {
    String name = name(s, names, c.type());
    Optional<InspectContainerResponse> found = provisioner.find(name);
    if (found.isPresent() && Boolean.TRUE.equals(found.get().getState().getRunning())) {
      return s.state().with(stateKey(c.type()), name).with(stoppedKey(c.type()), null);
    }
    String fingerprint = TemplateDefinition.fingerprint(s.template(), c);
    if (found.isPresent()) {
      Map<String, String> labels =
          Optional.ofNullable(found.get().getConfig().getLabels()).orElse(Map.of());
      if (!fingerprint.equals(labels.get(ContainerDefinitions.LABEL))) {
        remove(found.get().getId(), name);
        found = Optional.empty();
      }
    }
    if (found.isEmpty()) {
      ContainerSpec spec = spec(s, names, main, c, name, fingerprint);
      provisioner.ensureContainer(s, spec);
    }
    try {
      engine.client.startContainerCmd(name).exec();
    } catch (NotModifiedException alreadyRunning) {
      // started meanwhile: fine
    } catch (RuntimeException e) {
      throw new BerthException(
          dev.berth.base.ErrorCode.RUNTIME_FAILURE,
          "container '"
              + c.type()
              + "' ("
              + name
              + ") of session '"
              + s.id()
              + "' did not start: "
              + DockerEngine.reason(e),
          e);
    }
    LOG.info("session {}: started container {} ({})", s.id(), name, c.type());
    return s.state().with(stateKey(c.type()), name).with(stoppedKey(c.type()), null);
  }

  /**
   * After a session's start: each {@code manual} container that does not run counts as stopped on
   * purpose until it is asked for. One that a user started before the session was stopped or
   * restarted as a whole ended with that stop, and is not a crash to restart.
   */
  RuntimeState manualStopped(RuntimeSession s, DockerNames names) {
    RuntimeState state = s.state();
    for (SessionContainer c : s.template().containers().inStartOrder()) {
      if (c.autoStarts()) {
        continue;
      }
      boolean runs =
          provisioner
              .find(name(s, names, c.type()))
              .map(found -> Boolean.TRUE.equals(found.getState().getRunning()))
              .orElse(false);
      if (!runs) {
        state = state.with(stoppedKey(c.type()), "true");
      }
    }
    return state;
  }

  /**
   * The create of one extra container: the main one's hardening (all capabilities dropped, no new
   * privileges, init, its sandbox runtime), its own image, command, env, limits and user (else the
   * main one's, so files on the shared volume have one owner), no published ports, reachable by its
   * type on the links network.
   */
  ContainerSpec spec(
      RuntimeSession s,
      DockerNames names,
      ContainerSpec main,
      SessionContainer c,
      String name,
      String fingerprint) {
    Map<String, String> env = new TreeMap<>(c.env());
    env.put("BERTH_SESSION_ID", s.id().value());
    env.put("BERTH_WORKSPACE", main.workspacePath());
    env.put("BERTH_CONTAINER", c.type());
    main.templateVolume().ifPresent(m -> env.put("BERTH_TEMPLATE_FILES", m.path()));
    Map<String, String> labels = new TreeMap<>(provisioner.labels(s, c.type()));
    labels.put(ContainerDefinitions.LABEL, fingerprint);
    List<String> command = c.command();
    if (command.isEmpty()
        && c.image().isEmpty()
        && c.templateImage().isEmpty()
        && main.command().equals(ContainerSpec.KEEP_ALIVE)) {
      command = ContainerSpec.KEEP_ALIVE; // Berth's default image has no CMD of its own
    }
    return new ContainerSpec(
        name,
        c.image().or(() -> c.templateImage().map(images::built)).orElse(main.image()),
        command,
        c.user().or(main::user),
        main.workspacePath(),
        env,
        labels,
        names.volume(),
        linksNetwork(s, names),
        c.type(),
        c.ports(),
        false,
        c.resources(),
        List.of(),
        SharedFiles.NONE,
        main.runtime(),
        List.of(c.type()),
        c.readOnly(),
        main.templateVolume());
  }

  /** Stops one container; a stopped or missing one is fine. */
  void stop(RuntimeSession s, DockerNames names, String type, Duration grace) {
    String name = name(s, names, type);
    try {
      engine.client.stopContainerCmd(name).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
    } catch (NotModifiedException alreadyStopped) {
      // fine
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        throw DockerEngine.failure("stop container " + name + " (" + type + ")", e);
      }
    }
  }

  /** Stops every extra container, the last started first. */
  void stopAll(RuntimeSession s, DockerNames names, Duration grace) {
    List<SessionContainer> all = new ArrayList<>(s.template().containers().inStartOrder());
    java.util.Collections.reverse(all);
    for (SessionContainer c : all) {
      stop(s, names, c.type(), grace);
    }
  }

  /** The names of every extra container the session has or would have, for a destroy. */
  List<String> allNames(RuntimeSession s, DockerNames names) {
    List<String> out = new ArrayList<>();
    for (SessionContainer c : s.template().containers().inStartOrder()) {
      out.add(name(s, names, c.type()));
    }
    s.state().values().entrySet().stream()
        .filter(e -> e.getKey().startsWith("container."))
        .map(Map.Entry::getValue)
        .filter(n -> !out.contains(n))
        .forEach(out::add);
    return out;
  }

  /** What each extra container does now, in start order. */
  List<ContainerStatus> statuses(RuntimeSession s, DockerNames names) {
    List<ContainerStatus> out = new ArrayList<>();
    String links = linksNetwork(s, names);
    for (SessionContainer c : s.template().containers().inStartOrder()) {
      String name = name(s, names, c.type());
      // Not running on purpose: the whole session stopped, or this container on request.
      boolean stopped =
          !dev.berth.runtime.RuntimeStates.started(s.state())
              || s.state().get(stoppedKey(c.type())) != null;
      ContainerStatus status =
          status(c.type(), name, provisioner.find(name), links, c.ports(), stopped);
      // Made (its name is kept once made) and started, and not stopped since: gone without Berth.
      // A manual one never started has no name kept, so it stays missing until asked for.
      boolean made = s.state().get(stateKey(c.type())) != null;
      if (status.phase() == ContainerStatus.Phase.MISSING && made && !stopped) {
        status =
            new ContainerStatus(
                c.type(),
                name,
                ContainerStatus.Phase.MISSING,
                OptionalInt.empty(),
                "was removed while its session ran (not by Berth)",
                Map.of(),
                Map.of(),
                true);
      }
      out.add(status);
    }
    return out;
  }

  static ContainerStatus status(
      String type,
      String name,
      Optional<InspectContainerResponse> found,
      String network,
      List<Integer> ports,
      boolean stoppedOnPurpose) {
    if (found.isEmpty()) {
      return new ContainerStatus(
          type,
          name,
          ContainerStatus.Phase.MISSING,
          OptionalInt.empty(),
          "not made",
          Map.of(),
          Map.of());
    }
    var st = found.get().getState();
    if (Boolean.TRUE.equals(st.getRunning())) {
      Map<Integer, URI> addresses = addresses(found.get(), network, ports);
      return new ContainerStatus(
          type,
          name,
          ContainerStatus.Phase.RUNNING,
          OptionalInt.empty(),
          "running",
          addresses,
          addresses);
    }
    Long code = st.getExitCodeLong();
    boolean neverRan = st.getStartedAt() == null || st.getStartedAt().startsWith("0001-");
    boolean exited = "exited".equals(st.getStatus()) && !neverRan && !stoppedOnPurpose;
    String detail =
        exited
            ? "exited with code "
                + code
                + (Boolean.TRUE.equals(st.getOOMKilled())
                    ? ", killed for running out of memory"
                    : "")
            : st.getStatus();
    return new ContainerStatus(
        type,
        name,
        exited ? ContainerStatus.Phase.EXITED : ContainerStatus.Phase.STOPPED,
        code == null || !exited ? OptionalInt.empty() : OptionalInt.of(code.intValue()),
        detail,
        Map.of(),
        Map.of());
  }

  /** {@code http://<ip>:<port>/} on the links network: the host reaches it there directly. */
  private static Map<Integer, URI> addresses(
      InspectContainerResponse c, String network, List<Integer> ports) {
    Map<Integer, URI> out = new TreeMap<>();
    if (c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null) {
      return out;
    }
    var attached = c.getNetworkSettings().getNetworks().get(network);
    if (attached == null || attached.getIpAddress() == null || attached.getIpAddress().isBlank()) {
      return out;
    }
    for (int port : ports) {
      out.put(port, URI.create("http://" + attached.getIpAddress() + ":" + port + "/"));
    }
    return out;
  }

  private void remove(String id, String name) {
    try {
      engine.client.removeContainerCmd(id).withForce(true).exec();
      LOG.info("recreating container {}: its definition changed", name);
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        throw DockerEngine.failure("remove outdated container " + name, e);
      }
    }
  }
}
