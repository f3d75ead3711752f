package dev.berth.proxy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where {@code /s/<id>/port/<n>/} goes for a port {@code n} the template did not declare: port
 * {@code n} at the address the session's primary app is reached at, but only when that address is
 * the session's own (a container's address on Berth's network). A loopback address is a port of
 * this machine (the local backend, or a port Docker published): port {@code n} there may be the
 * host's or another session's, so it is never opened.
 */
final class UndeclaredPorts {
  private UndeclaredPorts() {}

  /** Port {@code n} beside {@code primaryEndpoint} (e.g. http://10.200.0.5:8888/), or empty. */
  static Optional<String> endpoint(String primaryEndpoint, int n) {
    if (primaryEndpoint == null) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(primaryEndpoint);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String host = uri.getHost();
    if (host == null || uri.getScheme() == null || ownedByThisMachine(host)) {
      return Optional.empty();
    }
    return Optional.of(
        uri.getScheme()
            + "://"
            + uri.getRawAuthority().replaceFirst(":[0-9]+$", "")
            + ":"
            + n
            + "/");
  }

  private static boolean ownedByThisMachine(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      return true; // a name, not an address: not known to be the container's own
    }
    try {
      InetAddress a = InetAddress.getByName(h); // a literal: no lookup
      return a.isLoopbackAddress() || a.isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return true;
    }
  }
}
