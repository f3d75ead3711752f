package dev.berth.template;

import java.util.List;

/**
 * Where a session's processes may open connections to, beyond Berth itself: a template's {@code
 * network: {egress: ...}}. Each backend enforces it its own way (docs/templates.md#egress) or
 * refuses the session before anything is made; none lets it through unenforced.
 */
public sealed interface EgressPolicy {
  /** As Docker and Kubernetes give by default: anything the host or node reaches. */
  EgressPolicy ALL = new All();

  /** No connection out at all; Berth still reaches the app. */
  EgressPolicy NONE = new None();

  /** The word a template writes for this policy ({@code all}, {@code none}, {@code allow}). */
  String word();

  /** True unless the policy is {@link All}: a backend must do something to enforce it. */
  default boolean restricts() {
    return !(this instanceof All);
  }

  /** Anything reachable. */
  record All() implements EgressPolicy {
    @Override
    public String word() {
      return "all";
    }
  }

  /** Nothing reachable. */
  record None() implements EgressPolicy {
    @Override
    public String word() {
      return "none";
    }
  }

  /**
   * Only {@code destinations} reachable (on Docker through Berth's egress proxy, on Kubernetes
   * through NetworkPolicy rules).
   */
  record Allow(List<EgressDestination> destinations) implements EgressPolicy {
    public Allow {
      destinations = List.copyOf(destinations);
    }

    @Override
    public String word() {
      return "allow";
    }

    /** True when {@code host:port} is one of the destinations (host compared case-blind). */
    public boolean permits(String host, int port) {
      String h = host.toLowerCase(java.util.Locale.ROOT);
      String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
      return destinations.stream().anyMatch(d -> d.port() == port && d.host().equals(bare));
    }
  }

  /** How the policy reads in a template and in messages: {@code none}, {@code allow [a:443]}. */
  static String describe(EgressPolicy p) {
    return switch (p) {
      case All a -> "all";
      case None n -> "none";
      case Allow a -> "allow " + a.destinations();
    };
  }
}
