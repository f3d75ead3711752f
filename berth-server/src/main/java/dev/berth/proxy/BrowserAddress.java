package dev.berth.proxy;

import dev.berth.config.TrustedProxies;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How the browser reached Berth, as far as Berth can tell from one request: the request's own
 * scheme, {@code Host} and port, or, when the request comes from a trusted reverse proxy ({@link
 * TrustedProxies}), what that proxy says in {@code X-Forwarded-Proto}, {@code X-Forwarded-Host},
 * {@code X-Forwarded-Port} and {@code X-Forwarded-For}. A TLS-terminating proxy connects over plain
 * HTTP, so without them Berth would tell apps {@code http} while the browser's {@code Origin} says
 * {@code https://} (Jupyter then refuses writes and WebSockets). From any other peer those headers
 * are ignored (and replaced toward the app): any client can send them.
 *
 * @param scheme http or https
 * @param host host and optional port, as the browser wrote it
 * @param port the port the browser connected to
 * @param clientIps the client's address, after the addresses the trusted proxies forwarded for
 */
record BrowserAddress(String scheme, String host, int port, String clientIps) {

  private static final String HOST = "[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?|\\[[0-9A-Fa-f:.]{2,45}\\]";
  private static final String PORT = "[0-9]{1,5}";

  String origin() {
    return scheme + "://" + host;
  }

  boolean secure() {
    return scheme.equals("https");
  }

  static BrowserAddress of(HttpServletRequest req, TrustedProxies trusted) {
    String host = req.getHeader("Host");
    if (host == null || host.isBlank()) {
      host = req.getServerName() + ":" + req.getServerPort();
    }
    return of(
        trusted, req.getRemoteAddr(), req.getScheme(), host, req.getServerPort(), req::getHeader);
  }

  /**
   * The pure rule: {@code header} looks up a request header (null when absent); each forwarded
   * value is used only when well-formed, else the request's own stays.
   */
  static BrowserAddress of(
      TrustedProxies trusted,
      String peer,
      String scheme,
      String host,
      int port,
      UnaryOperator<String> header) {
    if (!trusted.trusts(peer)) {
      return new BrowserAddress(scheme, host, port, peer);
    }
    String proto = first(header.apply("X-Forwarded-Proto")).toLowerCase(Locale.ROOT);
    boolean protoGiven = proto.equals("http") || proto.equals("https");
    String fwdScheme = protoGiven ? proto : scheme;
    String fwdHost = first(header.apply("X-Forwarded-Host"));
    boolean hostGiven = fwdHost.matches("(" + HOST + ")(:" + PORT + ")?");
    String fwdPortHeader = first(header.apply("X-Forwarded-Port"));
    int fwdPort;
    if (validPort(fwdPortHeader)) {
      fwdPort = Integer.parseInt(fwdPortHeader);
    } else if (hostGiven && hasPort(fwdHost)) {
      fwdPort = Integer.parseInt(fwdHost.substring(fwdHost.lastIndexOf(':') + 1));
    } else if (protoGiven || hostGiven) {
      fwdPort = fwdScheme.equals("https") ? 443 : 80;
    } else {
      fwdPort = port;
    }
    String forwardedFor = header.apply("X-Forwarded-For");
    String ips =
        forwardedFor == null || forwardedFor.isBlank() || !forwardedFor.matches("[0-9A-Fa-f:., ]+")
            ? peer
            : forwardedFor.strip() + ", " + peer;
    return new BrowserAddress(fwdScheme, hostGiven ? fwdHost : host, fwdPort, ips);
  }

  /** The first of a comma-separated list (the hop nearest the browser); "" when absent. */
  private static String first(String value) {
    if (value == null) {
      return "";
    }
    int comma = value.indexOf(',');
    return (comma < 0 ? value : value.substring(0, comma)).strip();
  }

  private static boolean hasPort(String host) {
    int colon = host.lastIndexOf(':');
    return colon > host.lastIndexOf(']') && validPort(host.substring(colon + 1));
  }

  private static boolean validPort(String s) {
    if (!s.matches(PORT)) {
      return false;
    }
    int p = Integer.parseInt(s);
    return p > 0 && p <= 65535;
  }
}
