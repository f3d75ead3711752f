package dev.berth.egress;

import dev.berth.template.EgressDestination;
import dev.berth.template.EgressPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which address a session's proxied connection goes to, if any. The destination must be on the
 * session's allow list as written ({@code host:port}); a name is resolved here, once, and the
 * connection goes to that very address (no second lookup that could answer differently). A name
 * that resolves to a loopback, wildcard or link-local address is refused: those are Berth's host
 * itself (its API listens on 127.0.0.1), which a listed public name must never lead to. An address
 * written in the list as such is taken at its word.
 */
final class Destinations {
  private Destinations() {}

  /** The address to connect to, or why not. */
  sealed interface Verdict {
    record Go(InetAddress address) implements Verdict {}

    record Refuse(String reason) implements Verdict {}
  }

  static Verdict check(EgressPolicy.Allow policy, String host, int port) {
    if (!policy.permits(host, port)) {
      return new Verdict.Refuse("not in the template's allow list " + policy.destinations());
    }
    boolean literal = new EgressDestination(host, port).isAddress();
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return new Verdict.Refuse("the name does not resolve");
    }
    if (literal) {
      return new Verdict.Go(all[0]);
    }
    Optional<InetAddress> own =
        java.util.Arrays.stream(all)
            .filter(a -> a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress())
            .findFirst();
    if (own.isPresent()) {
      return new Verdict.Refuse(
          "it resolves to "
              + own.get().getHostAddress()
              + ", an address of Berth's own host; list that address itself to mean it");
    }
    return new Verdict.Go(all[0]);
  }
}
