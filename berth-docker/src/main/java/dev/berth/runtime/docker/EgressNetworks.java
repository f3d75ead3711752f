package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.Network;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.runtime.EgressGate;
import dev.berth.runtime.PreflightProblem;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.RuntimeState;
import dev.berth.template.EgressPolicy;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networks of sessions whose template has an egress policy ({@code network: {egress: none}} or
 * an allow list), and what makes the policy hold on a Docker engine:
 *
 * <ul>
 *   <li>the session is on a network Docker marks <b>internal</b> (no route out of the machine),
 *       with inter-container traffic off, on a bridge named for {@link HostFirewall}, whose rules
 *       keep the session off the host's own addresses too. With {@code dockerNetworks: shared} that
 *       is one network per policy kind, {@code <prefix>-net-closed} ({@code none}) and {@code
 *       <prefix>-net-proxied} (allow lists); with {@code per-session}, the session's own network is
 *       made internal;
 *   <li>no port is published (an internal network cannot publish): Berth reaches the app at the
 *       container's address, which the host can on an internal bridge network too;
 *   <li>for an allow list, the session's {@code HTTP_PROXY}/{@code HTTPS_PROXY} (and lower-case
 *       forms) name Berth's {@link EgressGate} at the host's address on that network (the bridge's
 *       gateway, which a container on an internal network reaches), and the gate is told the
 *       container's address once it runs, so it knows whose connections they are.
 * </ul>
 *
 * <p>Templates with {@code egress: all} keep the networks they always had. Which policy a session's
 * network was made for is recorded in its state ({@value #KEY_EGRESS}); a start after the policy
 * changed recreates the container (its definition changed) and puts it on the right network.
 */
final class EgressNetworks {
  private static final Logger LOG = LoggerFactory.getLogger(EgressNetworks.class);

  /**
   * State key: the policy word ({@code none}, {@code allow}) the session's network was made for.
   */
  static final String KEY_EGRESS = "egress";

  /** Network label: the policy word a restricted network was made for. */
  static final String LABEL_EGRESS = "berth.egress";

  static final String INTERNAL_BRIDGE_NAME = "com.docker.network.bridge.name";

  private final DockerEngine engine;
  private final DockerProvisioner provisioner;
  private final String prefix;
  private final String instance;
  private final HostFirewall firewall = new HostFirewall(EgressGate.PORT);
  private volatile EgressGate gate = EgressGate.NONE;

  EgressNetworks(
      DockerEngine engine, DockerProvisioner provisioner, String prefix, String instance) {
    this.engine = engine;
    this.provisioner = provisioner;
    this.prefix = prefix;
    this.instance = instance;
  }

  void useGate(EgressGate newGate) {
    gate = newGate;
  }

  static EgressPolicy policy(RuntimeSession s) {
    return s.template().network().egress();
  }

  /** The shared network of sessions with this policy's kind. */
  static String sharedNetwork(String prefix, EgressPolicy p) {
    return switch (p) {
      case EgressPolicy.All a -> DockerNames.sharedNetwork(prefix);
      case EgressPolicy.None n -> DockerNames.sharedNetwork(prefix) + "-closed";
      case EgressPolicy.Allow a -> DockerNames.sharedNetwork(prefix) + "-proxied";
    };
  }

  /**
   * The names with the network a session with this template's policy goes on, when not recorded.
   */
  DockerNames named(RuntimeSession s, DockerNames names, boolean recorded) {
    EgressPolicy p = policy(s);
    if (recorded || !p.restricts() || !names.network().equals(DockerNames.sharedNetwork(prefix))) {
      return names; // per-session networks keep their name; they are made internal instead
    }
    return new DockerNames(names.container(), names.volume(), sharedNetwork(prefix, p));
  }

  /**
   * The state for a container about to be recreated: when the policy's kind changed since its
   * network was made, the recorded network is dropped (and a per-session one removed; it has no
   * container now), so that the next prepare puts the session on the right one.
   */
  RuntimeState recreating(RuntimeSession s, RuntimeState state) {
    String was = state.getOrDefault(KEY_EGRESS, "all");
    String now = policy(s).word();
    if (was.equals(now)) {
      return state;
    }
    String old = state.get(DockerNames.KEY_NETWORK);
    if (old != null && !isShared(old)) {
      try {
        engine.client.removeNetworkCmd(old).exec();
      } catch (RuntimeException e) {
        if (!DockerEngine.isNotFound(e)) {
          throw DockerEngine.failure("remove network " + old + " (its egress policy changed)", e);
        }
      }
    }
    LOG.info("session {}: egress policy changed from {} to {}; new network", s.id(), was, now);
    return state.with(DockerNames.KEY_NETWORK, null).with(KEY_EGRESS, null);
  }

  private boolean isShared(String network) {
    return network.equals(DockerNames.sharedNetwork(prefix))
        || network.equals(sharedNetwork(prefix, EgressPolicy.NONE))
        || network.equals(sharedNetwork(prefix, new EgressPolicy.Allow(List.of())));
  }

  /** What a session with this policy needs that this engine or host cannot give; see preflight. */
  List<PreflightProblem> preflight(RuntimeSession s) {
    EgressPolicy p = policy(s);
    if (!p.restricts()) {
      return List.of();
    }
    List<PreflightProblem> out = new ArrayList<>();
    String why = "template '" + s.template().name() + "' has network egress " + p.word() + ": ";
    if (!bridgesAreHere()) {
      out.add(
          new PreflightProblem.Unmet(
              why
                  + "this Docker engine is not on Berth's host, so Berth could reach the app only"
                  + " through published ports, which a network without a route out cannot have;"
                  + " run Berth on the engine's host"));
    }
    firewall.unavailable().ifPresent(m -> out.add(new PreflightProblem.Unmet(why + m)));
    if (p instanceof EgressPolicy.Allow && !gate.available()) {
      out.add(
          new PreflightProblem.Unmet(
              why
                  + "this Berth runs no egress proxy (it is part of the server: berth serve);"
                  + " use egress: none or all here"));
    }
    return out;
  }

  /**
   * Makes the session's network when missing: the one it always had for {@code egress: all}, else
   * an internal one (see the class comment). Returns the policy word to record.
   */
  String ensure(RuntimeSession s, String network) {
    EgressPolicy p = policy(s);
    if (!p.restricts()) {
      if (network.equals(DockerNames.sharedNetwork(prefix))) {
        provisioner.ensureSharedNetwork(network);
      } else {
        provisioner.ensureNetwork(s, network);
      }
      return null;
    }
    firewall.ensure();
    boolean shared = isShared(network);
    Optional<Network> existing = inspect(network);
    if (existing.isPresent() && !fits(existing.get(), p, shared, s)) {
      if (shared) {
        throw BerthException.conflict(
            "network '"
                + network
                + "' exists but is not this Berth's internal session network for egress "
                + p.word()
                + "; remove or rename it");
      }
      provisioner.ensureNetwork(s, network); // refuses a stranger's network of that name
      remove(network); // the session's own, made for another policy: no container is on it now
      existing = Optional.empty();
    }
    if (existing.isEmpty()) {
      create(s, network, p, shared);
    }
    requireLocalGateway(network);
    return p.word();
  }

  private boolean fits(Network n, EgressPolicy p, boolean shared, RuntimeSession s) {
    Map<String, String> labels = n.getLabels() == null ? Map.of() : n.getLabels();
    Map<String, String> options = n.getOptions() == null ? Map.of() : n.getOptions();
    boolean mine =
        shared
            ? instance.equals(labels.get(DockerLabels.INSTANCE))
            : DockerLabels.owns(labels, s.handle(), instance);
    return mine
        && Boolean.TRUE.equals(n.getInternal())
        && p.word().equals(labels.get(LABEL_EGRESS))
        && "false".equals(options.get(DockerProvisioner.NO_ICC_OPTION));
  }

  private synchronized void create(
      RuntimeSession s, String network, EgressPolicy p, boolean shared) {
    if (inspect(network).isPresent()) {
      return; // made meanwhile by another prepare
    }
    Map<String, String> labels =
        new LinkedHashMap<>(
            shared
                ? DockerLabels.stamped(
                    Map.of(
                        DockerLabels.TYPE,
                        DockerLabels.TYPE_NETWORK,
                        DockerLabels.INSTANCE,
                        instance),
                    Instant.now())
                : provisioner.labels(s, DockerLabels.TYPE_NETWORK));
    labels.put(LABEL_EGRESS, p.word());
    try {
      engine
          .client
          .createNetworkCmd()
          .withName(network)
          .withDriver("bridge")
          .withInternal(true)
          .withCheckDuplicate(true)
          .withOptions(
              Map.of(
                  DockerProvisioner.NO_ICC_OPTION,
                  "false",
                  INTERNAL_BRIDGE_NAME,
                  bridgeName(network, p)))
          .withLabels(labels)
          .exec();
      LOG.info("session {}: created internal network {} (egress {})", s.id(), network, p.word());
    } catch (ConflictException raced) {
      // made meanwhile by another Berth call: fine, it is checked at the next prepare
    } catch (RuntimeException e) {
      throw DockerEngine.failure("create internal network " + network, e);
    }
  }

  /** The bridge's interface name: the firewall's prefix and a hash of the network's name. */
  static String bridgeName(String network, EgressPolicy p) {
    String kind = p instanceof EgressPolicy.Allow ? HostFirewall.PROXIED : HostFirewall.CLOSED;
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(network.getBytes(StandardCharsets.UTF_8));
      return kind + HexFormat.of().formatHex(hash).substring(0, 15 - kind.length());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** For an allow list: the proxy variables of the session's container. */
  Map<String, String> proxyEnv(RuntimeSession s, String network) {
    if (!(policy(s) instanceof EgressPolicy.Allow)) {
      return Map.of();
    }
    URI proxy = gate.address(gateway(network));
    String url = proxy.toString();
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
      env.put(name, url);
    }
    env.put("NO_PROXY", "localhost,127.0.0.1,::1");
    env.put("no_proxy", "localhost,127.0.0.1,::1");
    return env;
  }

  /** For an allow list: tells the gate that connections from this container are the session's. */
  void admit(RuntimeSession s, InspectContainerResponse c, String network) {
    if (!(policy(s) instanceof EgressPolicy.Allow allow)) {
      return;
    }
    var attached =
        c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null
            ? null
            : c.getNetworkSettings().getNetworks().get(network);
    if (attached == null || attached.getIpAddress() == null || attached.getIpAddress().isBlank()) {
      return; // not running (yet): nothing to admit
    }
    gate.admit(gateway(network), address(attached.getIpAddress()), s.id(), allow);
  }

  void forget(RuntimeSession s) {
    if (policy(s) instanceof EgressPolicy.Allow || s.state().get(KEY_EGRESS) != null) {
      gate.forget(s.id());
    }
  }

  private InetAddress gateway(String network) {
    Network n =
        inspect(network)
            .orElseThrow(
                () ->
                    new BerthException(
                        ErrorCode.RUNTIME_FAILURE, "network " + network + " is gone"));
    if (n.getIpam() == null
        || n.getIpam().getConfig() == null
        || n.getIpam().getConfig().isEmpty()
        || n.getIpam().getConfig().getFirst().getGateway() == null) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE, "network " + network + " has no gateway address");
    }
    return address(n.getIpam().getConfig().getFirst().getGateway());
  }

  private void requireLocalGateway(String network) {
    InetAddress gw = gateway(network);
    if (!isLocal(gw)) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "network "
              + network
              + "'s bridge ("
              + gw.getHostAddress()
              + ") is not on Berth's host: sessions with an egress policy need Berth on the"
              + " engine's host");
    }
  }

  /** True when the engine's default bridge is an interface of this host (or cannot be told). */
  private boolean bridgesAreHere() {
    try {
      Network bridge =
          engine.quick(
              "inspect network bridge",
              () -> engine.client.inspectNetworkCmd().withNetworkId("bridge").exec());
      if (bridge.getIpam() == null || bridge.getIpam().getConfig() == null) {
        return true;
      }
      return bridge.getIpam().getConfig().stream()
          .map(c -> c.getGateway())
          .filter(g -> g != null && !g.isBlank() && !g.contains(":"))
          .findFirst()
          .map(g -> isLocal(address(g)))
          .orElse(true);
    } catch (RuntimeException e) {
      return true; // no default bridge: the network's own gateway is checked at prepare
    }
  }

  private static boolean isLocal(InetAddress a) {
    try {
      return NetworkInterface.getByInetAddress(a) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new BerthException(ErrorCode.RUNTIME_FAILURE, "not an address: " + literal, e);
    }
  }

  private Optional<Network> inspect(String network) {
    try {
      Network n = engine.client.inspectNetworkCmd().withNetworkId(network).exec();
      return network.equals(n.getName()) ? Optional.of(n) : Optional.empty();
    } catch (RuntimeException e) {
      if (DockerEngine.isNotFound(e)) {
        return Optional.empty();
      }
      throw DockerEngine.failure("inspect network " + network, e);
    }
  }

  private void remove(String network) {
    try {
      engine.client.removeNetworkCmd(network).exec();
    } catch (RuntimeException e) {
      if (!DockerEngine.isNotFound(e)) {
        throw DockerEngine.failure("remove network " + network, e);
      }
    }
  }
}
