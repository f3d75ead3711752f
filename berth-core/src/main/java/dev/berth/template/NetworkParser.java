package dev.berth.template;

import dev.berth.config.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@link NetworkSettings} key {@code network}: {@code {egress: none}}, {@code {egress:
 * all}} or {@code {egress: {allow: [host:port, ...]}}}. A set {@code egress} replaces the parent's
 * whole policy (an allow list is not merged: a child that narrows its parent's list must be able
 * to).
 */
final class NetworkParser {
  private NetworkParser() {}

  static Overlay<NetworkSettings> read(TemplateYaml t) {
    Optional<EgressPolicy> egress =
        t.keys().object("network").flatMap(network -> egress(t, network));
    return base -> egress.map(base::withEgress).orElse(base);
  }

  private static Optional<EgressPolicy> egress(TemplateYaml t, StrictObject network) {
    Optional<EgressPolicy> policy;
    if (network.isMapping("egress")) {
      StrictObject e = network.object("egress").orElseThrow();
      Optional<List<String>> allow = e.strings("allow", false);
      e.checkNoUnknownKeys();
      if (allow.isEmpty()) {
        t.error("'network.egress' as a mapping must be {allow: [host:port, ...]}");
        policy = Optional.empty();
      } else {
        policy = allowList(t, allow.get());
      }
    } else {
      policy =
          network
              .string("egress")
              .flatMap(
                  word ->
                      switch (word) {
                        case "none" -> Optional.of(EgressPolicy.NONE);
                        case "all" -> Optional.of(EgressPolicy.ALL);
                        default -> {
                          t.error(
                              "'network.egress' must be none, all or {allow: [host:port, ...]}"
                                  + " (got "
                                  + word
                                  + ")");
                          yield Optional.empty();
                        }
                      });
    }
    network.checkNoUnknownKeys();
    return policy;
  }

  private static Optional<EgressPolicy> allowList(TemplateYaml t, List<String> entries) {
    if (entries.isEmpty()) {
      t.error("'network.egress.allow' is empty: write egress: none to allow nothing");
      return Optional.empty();
    }
    List<EgressDestination> out = new ArrayList<>();
    boolean ok = true;
    for (String entry : entries) {
      try {
        EgressDestination d = EgressDestination.parse(entry);
        if (!out.contains(d)) {
          out.add(d);
        }
      } catch (IllegalArgumentException e) {
        t.error("'network.egress.allow': " + e.getMessage());
        ok = false;
      }
    }
    return ok ? Optional.of(new EgressPolicy.Allow(out)) : Optional.empty();
  }
}
