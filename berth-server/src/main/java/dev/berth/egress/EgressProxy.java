package dev.berth.egress;

import dev.berth.base.SessionId;
import dev.berth.runtime.EgressGate;
import dev.berth.template.EgressPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Berth's egress proxy: the one way out for sessions whose template allows only listed
 * destinations. An HTTP proxy ({@code CONNECT host:port} for TLS and anything else over TCP, and
 * absolute-form plain-HTTP requests such as {@code GET http://host/path}) that listens on the
 * host's address on each network such sessions are on, at {@link EgressGate#PORT}.
 *
 * <p>A connection is a session's by its source address, which the backend {@link #admit}ted when
 * the session started; anything else is refused. It reaches only the destinations of that session's
 * allow list ({@link Destinations}: a name that resolves to one of the host's loopback addresses is
 * refused, so a listed name never leads to Berth's own API), and every destination, allowed or
 * refused, goes to the session's events ({@link EgressJournal}).
 *
 * <p>Per installation, made by the server and handed to the backends; state is in memory only:
 * after a Berth restart the reconciler's first inspection of each running session admits it again.
 */
public final class EgressProxy implements EgressGate, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EgressProxy.class);

  private final int port;
  private volatile EgressJournal journal;
  private final Map<InetAddress, Listener> listeners = new ConcurrentHashMap<>();
  private final Map<InetAddress, Admission> sources = new ConcurrentHashMap<>();
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("berth-egress-", 0).factory());

  /** A listening socket and the thread accepting on it. */
  private record Listener(ServerSocket socket, Thread acceptor) {
    /**
     * Closes the socket and waits for the acceptor to leave it: a socket closed while a thread is
     * blocked in accept releases its port only once that thread is out, and a session admitted
     * right after must be able to listen there again.
     */
    void close() {
      closeQuietly(socket);
      try {
        acceptor.join(java.time.Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A session's connections: who it is, where it may go, and where it reaches the proxy. */
  record Admission(SessionId id, EgressPolicy.Allow policy, InetAddress hostSide) {}

  /** At {@link EgressGate#PORT}, the port the host firewall opens to such sessions. */
  public EgressProxy(EgressJournal journal) {
    this(EgressGate.PORT, journal);
  }

  /** At another port (tests on loopback); {@code 0} is not allowed: the address must be fixed. */
  EgressProxy(int port, EgressJournal journal) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the egress proxy needs a fixed port");
    }
    this.port = port;
    this.journal = journal;
  }

  /** A proxy that records nothing until {@link #recordTo} (the server wires it that way). */
  public EgressProxy() {
    this((id, destination, allowed, reason) -> {});
  }

  /**
   * From now on, destinations go to {@code sessions}' events ({@link EgressEvents}). Set after the
   * backends are open: they need the proxy before the service that records events exists.
   */
  public void recordTo(dev.berth.service.SessionService sessions) {
    journal = new EgressEvents(sessions);
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public URI address(InetAddress hostSide) {
    String host = hostSide.getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  @Override
  public void admit(
      InetAddress hostSide, InetAddress source, SessionId id, EgressPolicy.Allow policy) {
    listenOn(hostSide);
    Admission was = sources.put(source, new Admission(id, policy, hostSide));
    if (was == null || !was.id().equals(id) || !was.policy().equals(policy)) {
      LOG.info(
          "egress proxy: connections from {} are session {}'s (allowed: {})",
          source.getHostAddress(),
          id,
          policy.destinations());
    }
  }

  @Override
  public void forget(SessionId id) {
    sources.values().removeIf(a -> a.id().equals(id));
    journal.forget(id);
    // A listener nobody is admitted through any more is closed (a per-session network is gone).
    for (var e : listeners.entrySet()) {
      if (sources.values().stream().noneMatch(a -> a.hostSide().equals(e.getKey()))) {
        if (listeners.remove(e.getKey(), e.getValue())) {
          e.getValue().close();
        }
      }
    }
  }

  private synchronized void listenOn(InetAddress hostSide) {
    if (listeners.containsKey(hostSide)) {
      return;
    }
    ServerSocket server;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(hostSide, port), 128);
    } catch (IOException e) {
      throw new IllegalStateException(
          "the egress proxy cannot listen on "
              + hostSide.getHostAddress()
              + ":"
              + port
              + ": "
              + e.getMessage(),
          e);
    }
    Thread acceptor = Thread.ofVirtual().name("berth-egress-accept").start(() -> accept(server));
    listeners.put(hostSide, new Listener(server, acceptor));
    LOG.info("egress proxy listens on {}:{}", hostSide.getHostAddress(), port);
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("egress proxy on {}: {}", server.getLocalSocketAddress(), e.toString());
        }
      }
    }
  }

  private void serve(Socket client) {
    Admission who = sources.get(client.getInetAddress());
    if (who != null && !who.hostSide().equals(client.getLocalAddress())) {
      who = null; // admitted through another network's address: not where it lives
    }
    new ProxyConnection(client, who, journal).run();
  }

  /** The addresses the proxy listens on now (for tests and diagnostics). */
  java.util.Set<InetAddress> listening() {
    return java.util.Set.copyOf(listeners.keySet());
  }

  @Override
  public void close() {
    listeners.values().forEach(Listener::close);
    listeners.clear();
    sources.clear();
    threads.shutdownNow();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing: nothing left to do with it
    }
  }
}
