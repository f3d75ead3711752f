package dev.berth.template;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One destination an {@code egress: {allow: [...]}} policy lets a session reach: a host (a DNS
 * name, an IPv4 address or a bracketed IPv6 address) and a TCP port, written {@code host:port}.
 *
 * @param host lower case; an IPv6 address without its brackets
 * @param port 1-65535
 */
public record EgressDestination(String host, int port) {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

  public EgressDestination {
    host = host.toLowerCase(Locale.ROOT);
  }

  /**
   * Reads {@code host:port}; throws {@link IllegalArgumentException} saying what is wrong (a
   * missing port, a port out of range, a scheme or path, a host that is not a name or address).
   */
  public static EgressDestination parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.contains("/") || t.contains("@") || t.contains("*")) {
      throw new IllegalArgumentException(
          "'" + text + "' must be host:port (no scheme, path, user or wildcard)");
    }
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' must be host:port, e.g. pypi.org:443");
    }
    String host = t.substring(0, colon).toLowerCase(Locale.ROOT);
    String portText = t.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': port must be 1-65535");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      String v6 = host.substring(1, host.length() - 1);
      if (!IPV6.matcher(v6).matches() || !v6.contains(":")) {
        throw new IllegalArgumentException("'" + text + "': '" + host + "' is not an IPv6 address");
      }
      return new EgressDestination(v6, port);
    }
    if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + text + "': write an IPv6 address in brackets, e.g. [2001:db8::1]:443");
    }
    if (!isIpv4(host) && !isName(host)) {
      throw new IllegalArgumentException(
          "'" + text + "': '" + host + "' is neither a DNS name nor an IPv4 address");
    }
    return new EgressDestination(host, port);
  }

  /** True when the host is written as an IP address (IPv4, or IPv6 without brackets here). */
  public boolean isAddress() {
    return isIpv4(host) || host.contains(":");
  }

  private static boolean isIpv4(String host) {
    return IPV4.matcher(host).matches();
  }

  private static boolean isName(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty()
        || h.length() > 253
        || h.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      return false; // all digits: a mistyped IPv4 address, not a name
    }
    for (String label : h.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** {@code host:port}, with brackets around an IPv6 address: as a template writes it. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
