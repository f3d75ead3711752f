package dev.berth.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose {@code X-Forwarded-Proto}, {@code X-Forwarded-Host}, {@code X-Forwarded-Port} and
 * {@code X-Forwarded-For} Berth believes: its own reverse proxy's addresses ({@code
 * trustedProxies}: addresses and CIDR ranges, comma-separated). Empty by default, because any
 * client can send those headers: from a peer not listed they are replaced, never believed.
 */
public record TrustedProxies(List<Range> ranges) {

  /**
   * One address ({@code 10.0.0.5}, {@code ::1}) or range ({@code 10.0.0.0/8}, {@code fd00::/8}).
   */
  public record Range(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Range r && r.toString().equals(toString());
    }

    @Override
    public int hashCode() {
      return toString().hashCode();
    }
  }

  public TrustedProxies {
    ranges = List.copyOf(ranges);
  }

  /** Nobody's forwarding headers are believed (the default). */
  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /**
   * Parses {@code 127.0.0.1, 10.0.0.0/8, ::1}: IP literals only (a host name would make trust
   * depend on DNS). Throws IllegalArgumentException naming the entry that is wrong.
   */
  public static TrustedProxies parse(String value) {
    List<Range> out = new ArrayList<>();
    for (String raw : value.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      String address = slash < 0 ? entry : entry.substring(0, slash);
      byte[] bytes = literal(address, entry);
      int bits = bytes.length * 8;
      if (slash >= 0) {
        String prefix = entry.substring(slash + 1);
        if (!prefix.matches("[0-9]{1,3}") || Integer.parseInt(prefix) > bits) {
          throw new IllegalArgumentException(
              "'" + entry + "': the prefix length must be a number from 0 to " + bits);
        }
        bits = Integer.parseInt(prefix);
      }
      out.add(new Range(bytes, bits));
    }
    return new TrustedProxies(out);
  }

  /** True when {@code peer} (an IP literal, as a servlet's remote address) is a trusted proxy. */
  public boolean trusts(String peer) {
    if (ranges.isEmpty() || peer == null || !looksLikeIpLiteral(peer)) {
      return false;
    }
    byte[] address;
    try {
      if (!validOctets(peer)) {
        return false;
      }
      address = InetAddress.getByName(stripBrackets(peer)).getAddress();
    } catch (UnknownHostException e) {
      return false;
    }
    return ranges.stream().anyMatch(r -> r.contains(address));
  }

  private static byte[] literal(String address, String entry) {
    if (!looksLikeIpLiteral(address) || !validOctets(address)) {
      throw new IllegalArgumentException(
          "'"
              + entry
              + "' is not an IP address or range, such as 127.0.0.1, 10.0.0.0/8 or ::1"
              + " (host names are not accepted)");
    }
    try {
      return InetAddress.getByName(stripBrackets(address)).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + entry + "' is not a valid IP address");
    }
  }

  // InetAddress.getByName would resolve a host name: only digits, dots, colons and hex pass here.
  private static boolean looksLikeIpLiteral(String s) {
    String a = stripBrackets(s);
    return !a.isEmpty()
        && (a.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
            || (a.contains(":") && a.matches("[0-9a-fA-F:.]+")));
  }

  // Octets above 255 would make InetAddress take the text for a host name and look it up.
  private static boolean validOctets(String s) {
    if (s.contains(":")) {
      return true; // with a colon it is parsed as IPv6 or refused, never looked up
    }
    for (String octet : stripBrackets(s).split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  private static String stripBrackets(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }

  @Override
  public String toString() {
    return ranges.toString();
  }
}
