package dev.berth.template;

import dev.berth.config.StrictObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@link ContainerSettings} keys: {@code user}, {@code env} (merged over the parent's),
 * {@code resources} (each limit inherited separately), {@code capabilities} and {@code nonRoot}.
 */
final class ContainerParser {
  private ContainerParser() {}

  static Overlay<ContainerSettings> read(TemplateYaml t) {
    var y = t.keys();
    Optional<String> user = y.string("user");
    Optional<Map<String, String>> env = y.stringMap("env");
    Optional<ResourceLimits> resources = y.object("resources").map(ContainerParser::resources);
    Optional<List<String>> capabilities = y.strings("capabilities", false);
    Optional<Boolean> nonRoot = y.bool("nonRoot");
    return base -> {
      Map<String, String> mergedEnv = new HashMap<>(base.env());
      env.ifPresent(mergedEnv::putAll);
      return new ContainerSettings(
          user.or(base::user),
          mergedEnv,
          resources.map(r -> r.orElse(base.resources())).orElse(base.resources()),
          capabilities.orElse(base.capabilities()),
          nonRoot.orElse(base.nonRoot()));
    };
  }

  static ResourceLimits resources(StrictObject r) {
    var limits =
        new ResourceLimits(
            r.number("cpus", 0.01, 1024).orElse(0.0),
            r.size("memory").orElse(0L),
            r.integer("pids", 1, 1_000_000).orElse(0));
    r.checkNoUnknownKeys();
    return limits;
  }
}
