package dev.berth.egress;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The head of one request a session sent to the egress proxy: its request line and header lines,
 * plus whatever bytes came after them in the same read (the start of a body or of a TLS handshake),
 * which belong to the destination.
 *
 * @param method {@code CONNECT}, {@code GET}, ...
 * @param target the request target as sent: {@code host:port} for CONNECT, an absolute {@code
 *     http://} URL for the others
 * @param version {@code HTTP/1.1}
 * @param headers each header line as sent, without its line end
 * @param rest bytes read after the head
 */
record RequestHead(
    String method, String target, String version, List<String> headers, byte[] rest) {

  /** The most a head may take: more is refused (a proxy request's head is small). */
  static final int MAX_BYTES = 16 * 1024;

  /** Reads a head; empty when the connection ended first or the head is too long or malformed. */
  static Optional<RequestHead> read(InputStream in) throws IOException {
    byte[] buf = new byte[MAX_BYTES];
    int len = 0;
    int end = -1;
    while (end < 0) {
      if (len == buf.length) {
        return Optional.empty();
      }
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        return Optional.empty();
      }
      len += n;
      end = headEnd(buf, len);
    }
    String text = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n");
    String[] request = lines[0].split(" ");
    if (request.length != 3 || !request[2].startsWith("HTTP/")) {
      return Optional.empty();
    }
    List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
    byte[] rest = java.util.Arrays.copyOfRange(buf, end + 4, len);
    return Optional.of(new RequestHead(request[0], request[1], request[2], headers, rest));
  }

  private static int headEnd(byte[] b, int len) {
    for (int i = 0; i + 3 < len; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  boolean isConnect() {
    return method.equals("CONNECT");
  }

  /**
   * Where the request goes: for CONNECT its {@code host:port}; for others the host and port of an
   * absolute {@code http://} target (port 80 unless given). Empty when the target is neither.
   */
  Optional<Target> destination() {
    try {
      if (isConnect()) {
        URI u = URI.create("tcp://" + target);
        return u.getHost() == null
                || u.getPort() < 1
                || u.getPath() == null
                || !u.getPath().isEmpty()
            ? Optional.empty()
            : Optional.of(new Target(u.getHost(), u.getPort(), ""));
      }
      URI u = URI.create(target);
      if (!"http".equalsIgnoreCase(u.getScheme())
          || u.getHost() == null
          || u.getUserInfo() != null) {
        return Optional.empty();
      }
      String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
      return Optional.of(new Target(u.getHost(), u.getPort() < 0 ? 80 : u.getPort(), path + query));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The head to send the destination of a plain-HTTP request: origin-form target, the proxy's own
   * headers removed (a session's proxy credentials are nobody else's business), one request per
   * connection.
   */
  byte[] forOrigin(Target t) {
    var sb = new StringBuilder(method).append(' ').append(t.path()).append(' ').append(version);
    sb.append("\r\n");
    boolean host = false;
    for (String h : headers) {
      String name =
          h.contains(":") ? h.substring(0, h.indexOf(':')).strip().toLowerCase(Locale.ROOT) : "";
      if (name.startsWith("proxy-") || name.equals("connection") || name.equals("keep-alive")) {
        continue;
      }
      host |= name.equals("host");
      sb.append(h).append("\r\n");
    }
    if (!host) {
      sb.append("Host: ").append(t.authority()).append("\r\n");
    }
    sb.append("Connection: close\r\n\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * A destination: its host as written (brackets removed from an IPv6 literal), port, and for a
   * plain-HTTP request its origin-form path.
   */
  record Target(String host, int port, String path) {
    Target {
      host =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      host = host.toLowerCase(Locale.ROOT);
    }

    String authority() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
