package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.berth.runtime.RuntimeSession;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a session's app ports are published on the host's loopback, and so where Berth reaches
 * its apps (the session's endpoints, which the proxy uses).
 *
 * <p>Why not always publish: a port published on 127.0.0.1 is open to every local user of the Berth
 * host, without Berth's auth (a token-less Jupyter answers {@code curl} there), and each one costs
 * a {@code docker-proxy} process (~3.4 MiB) and time at start. When the engine runs on Berth's own
 * host, Berth reaches a container directly at its address on Berth's bridge network (the host
 * routes to every bridge it has; inter-container traffic stays disabled), so nothing needs
 * publishing. A remote engine's bridge is on another machine: there the published port is the only
 * way in.
 */
final class PortPublishing {
  /** The {@code dockerPublishPorts} setting. */
  enum Mode {
    /** Publish only when the engine is remote ({@link #isLocal}). */
    AUTO,
    ALWAYS,
    NEVER;

    static Mode of(String setting) {
      return valueOf(setting.trim().toUpperCase(Locale.ROOT));
    }
  }

  static final PortPublishing ALWAYS = new PortPublishing(true);
  static final PortPublishing NEVER = new PortPublishing(false);

  private final boolean publish;

  private PortPublishing(boolean publish) {
    this.publish = publish;
  }

  /**
   * What {@code mode} means for the engine at {@code engineHost}; an engine whose address is not
   * known (a client made elsewhere) is taken for remote, where publishing is what works.
   */
  static PortPublishing decide(Mode mode, Optional<URI> engineHost) {
    return switch (mode) {
      case ALWAYS -> ALWAYS;
      case NEVER -> NEVER;
      case AUTO -> engineHost.filter(PortPublishing::isLocal).isPresent() ? NEVER : ALWAYS;
    };
  }

  /**
   * True for an engine on this host: a unix socket, or TCP to a loopback address. Any other address
   * counts as remote, even one of this host's own interfaces: Berth cannot tell that apart from
   * another machine without asking the network.
   */
  static boolean isLocal(URI engineHost) {
    String scheme = engineHost.getScheme() == null ? "" : engineHost.getScheme();
    if (scheme.equals("unix") || scheme.equals("npipe")) {
      return true;
    }
    String host = engineHost.getHost();
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
      return false; // a name: never resolved here (no DNS lookups to decide a setting)
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  boolean publishes() {
    return publish;
  }

  /**
   * Where Berth reaches the session's declared app ports: the loopback ports the engine published,
   * or, publishing nothing (or on an internal network), the container's own address on {@code
   * network} (the probe addresses).
   */
  Map<Integer, URI> endpoints(RuntimeSession s, InspectContainerResponse c, String network) {
    // A session with an egress policy is on an internal network, where nothing can be published.
    boolean published = publish && !s.template().network().egress().restricts();
    return published ? published(s, c) : DockerObserver.probeAddresses(s, c, network);
  }

  /** Declared app ports and the loopback URLs the engine published them on. */
  static Map<Integer, URI> published(RuntimeSession s, InspectContainerResponse c) {
    Map<Integer, URI> out = new TreeMap<>();
    if (c.getNetworkSettings() == null || c.getNetworkSettings().getPorts() == null) {
      return out;
    }
    Map<ExposedPort, Ports.Binding[]> bindings = c.getNetworkSettings().getPorts().getBindings();
    for (int port : s.template().app().ports()) {
      Ports.Binding[] b = bindings.get(ExposedPort.tcp(port));
      if (b == null) {
        continue;
      }
      for (Ports.Binding binding : b) {
        if (ContainerSpec.LOOPBACK.equals(binding.getHostIp())
            && binding.getHostPortSpec() != null) {
          out.put(port, URI.create("http://127.0.0.1:" + binding.getHostPortSpec() + "/"));
          break;
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return publish ? "published on 127.0.0.1" : "at the container's address";
  }
}
