package dev.berth.runtime.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port-forwards of {@link EndpointMode#PORT_FORWARD}: per running session, one listener on
 * 127.0.0.1 (a free port) for each declared app port, made by fabric8's port-forward to the
 * session's pod. Each connection to a listener opens its own {@code pods/<name>/portforward}
 * WebSocket through the API server, addressed by the pod's name: a pod replaced under the same name
 * (a restart) is served by the listener already there. A listener that has died is opened again on
 * the next look, on its old local port when that is still free, so endpoints stay put.
 *
 * <p>Forwards are opened when a session starts or is seen running (a fresh Berth opens them for
 * sessions that ran before it), closed when its pod is seen not running (their local ports are
 * remembered: the pod made by a restart gets them back when they are still free), closed and
 * forgotten when it stops or is destroyed, and all of them when the runtime closes: no listener or
 * accept thread outlives its session.
 */
final class PortForwards implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PortForwards.class);

  private final KubernetesClient client;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  /** Local ports of sessions whose pod stopped running: a restarted pod gets them back. */
  private final Map<String, Map<Integer, Integer>> lastPorts = new ConcurrentHashMap<>();

  private volatile boolean closed;

  private record Forward(LocalPortForward handle, int localPort) {}

  /** One session's forwards: the pod they go to, and per app port its listener. */
  private record Session(String namespace, String pod, Map<Integer, Forward> ports) {}

  PortForwards(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The endpoints of a running session, {@code http://127.0.0.1:<local port>/} per app port,
   * opening the listeners that are missing or dead.
   */
  Map<Integer, URI> endpoints(String session, String namespace, String pod, List<Integer> ports) {
    Session s = sessions.compute(session, (k, old) -> refresh(k, old, namespace, pod, ports));
    Map<Integer, URI> out = new TreeMap<>();
    s.ports()
        .forEach((port, f) -> out.put(port, URI.create("http://127.0.0.1:" + f.localPort() + "/")));
    return out;
  }

  private Session refresh(
      String session, Session old, String namespace, String pod, List<Integer> ports) {
    if (closed) {
      throw new IllegalStateException("the Kubernetes runtime is closed");
    }
    if (old != null && !(old.namespace().equals(namespace) && old.pod().equals(pod))) {
      closeAll(session, old);
    }
    Session prior =
        old != null && old.namespace().equals(namespace) && old.pod().equals(pod) ? old : null;
    Map<Integer, Forward> next = new TreeMap<>();
    try {
      for (int port : ports) {
        Forward current = prior == null ? null : prior.ports().get(port);
        if (current != null && current.handle().isAlive()) {
          next.put(port, current);
          continue;
        }
        int preferred = lastPorts.getOrDefault(session, Map.of()).getOrDefault(port, 0).intValue();
        if (current != null) {
          LOG.info(
              "session {}: the port-forward 127.0.0.1:{} -> {}:{} has died; opening it again",
              session,
              current.localPort(),
              pod,
              port);
          closeQuietly(current);
          preferred = current.localPort();
        }
        Forward opened = open(namespace, pod, port, preferred);
        next.put(port, opened);
        LOG.info(
            "session {}: port-forward 127.0.0.1:{} -> pod {}:{}",
            session,
            opened.localPort(),
            pod,
            port);
      }
    } catch (RuntimeException e) {
      next.forEach(
          (port, f) -> {
            if (prior == null || prior.ports().get(port) != f) {
              closeQuietly(f);
            }
          });
      throw e;
    }
    if (prior != null) {
      prior
          .ports()
          .forEach(
              (port, f) -> {
                if (next.get(port) != f) {
                  closeQuietly(f); // a port the template no longer declares
                }
              });
    }
    lastPorts.remove(session);
    return new Session(namespace, pod, next);
  }

  private Forward open(String namespace, String pod, int port, int preferredLocalPort) {
    var resource = client.pods().inNamespace(namespace).withName(pod);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    LocalPortForward handle = null;
    if (preferredLocalPort > 0) {
      try {
        handle = resource.portForward(port, loopback, preferredLocalPort);
      } catch (IllegalStateException e) {
        LOG.debug("local port {} is taken; taking another", preferredLocalPort);
      }
    }
    if (handle == null) {
      handle = resource.portForward(port, loopback, 0);
    }
    return new Forward(handle, handle.getLocalPort());
  }

  /**
   * Closes a session's listeners when its pod does not run (it ended, or is being replaced), and
   * remembers their local ports for when it runs again; no-op if none are open.
   */
  void suspend(String session) {
    Session s = sessions.remove(session);
    if (s != null) {
      Map<Integer, Integer> ports = new TreeMap<>();
      s.ports().forEach((port, f) -> ports.put(port, f.localPort()));
      lastPorts.put(session, ports);
      closeAll(session, s);
    }
  }

  /** Closes a session's listeners and forgets it (stop, destroy); no-op if none are open. */
  void close(String session) {
    lastPorts.remove(session);
    Session s = sessions.remove(session);
    if (s != null) {
      closeAll(session, s);
    }
  }

  /** The sessions that have listeners open (for tests and diagnostics). */
  Set<String> open() {
    return Set.copyOf(sessions.keySet());
  }

  private static void closeAll(String session, Session s) {
    s.ports().values().forEach(PortForwards::closeQuietly);
    LOG.info("session {}: closed {} port-forward(s) to pod {}", session, s.ports().size(), s.pod());
  }

  private static void closeQuietly(Forward f) {
    try {
      f.handle().close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing port-forward 127.0.0.1:{}: {}", f.localPort(), e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    for (String session : Set.copyOf(sessions.keySet())) {
      close(session);
    }
  }
}
