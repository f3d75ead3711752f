package dev.berth.runtime;

import dev.berth.base.SessionId;
import dev.berth.template.EgressPolicy;
import java.net.InetAddress;
import java.net.URI;

/**
 * Berth's egress proxy as a backend sees it: the one way out for sessions whose template allows
 * only listed destinations ({@link EgressPolicy.Allow}). It is per-installation infrastructure that
 * the server runs; a backend tells it where a session's connections come from, and the proxy lets
 * through only that session's destinations and records each one in the session's events.
 *
 * <p>The backend puts the session on a network with no route out, listens the proxy on the host's
 * address on that network ({@link #address}), gives the session's processes that address as their
 * {@code HTTP_PROXY}/{@code HTTPS_PROXY}, and once the session runs {@link #admit}s its address. A
 * connection from an address nobody admitted is refused.
 */
public interface EgressGate {

  /**
   * The port the proxy listens on at every address it serves: fixed, because a session's container
   * keeps the proxy's address in its environment across Berth restarts, and the same for every
   * installation on a host, because the host firewall lets sessions reach exactly this port (see
   * docs/docker.md#egress).
   */
  int PORT = 39128;

  /** No proxy (a runtime used without the server): sessions that need one are refused. */
  EgressGate NONE =
      new EgressGate() {
        @Override
        public boolean available() {
          return false;
        }

        @Override
        public URI address(InetAddress hostSide) {
          throw new IllegalStateException("no egress proxy in this Berth");
        }

        @Override
        public void admit(
            InetAddress hostSide, InetAddress source, SessionId id, EgressPolicy.Allow policy) {
          throw new IllegalStateException("no egress proxy in this Berth");
        }

        @Override
        public void forget(SessionId id) {}
      };

  /** False when there is no proxy to send sessions to: allow-list templates are refused. */
  boolean available();

  /**
   * The proxy's URL on {@code hostSide} (the host's address on the session's network, where the
   * session can reach it), e.g. {@code http://10.200.3.1:3128}. Fixed for an address: a session
   * container keeps it in its environment across Berth restarts.
   */
  URI address(InetAddress hostSide);

  /**
   * From now on, connections to the proxy on {@code hostSide} from {@code source} are session
   * {@code id}'s and may reach only {@code policy}'s destinations; listens there if it does not
   * yet. Replaces whatever {@code source} was before (addresses are reused). Idempotent.
   *
   * @throws RuntimeException when the proxy cannot listen on {@code hostSide}
   */
  void admit(InetAddress hostSide, InetAddress source, SessionId id, EgressPolicy.Allow policy);

  /** Session {@code id} no longer runs: its addresses are refused from now on. Idempotent. */
  void forget(SessionId id);
}
