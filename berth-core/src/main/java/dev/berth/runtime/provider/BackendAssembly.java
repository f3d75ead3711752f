package dev.berth.runtime.provider;

import dev.berth.config.BackendSpec;
import dev.berth.config.BerthConfig;
import dev.berth.runtime.Backends;
import dev.berth.runtime.SessionRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One opening of a Berth's backends (see {@link BackendProviders#open}). */
final class BackendAssembly {
  private final BackendProviders providers;
  private final BackendContext context;
  private final BerthConfig config;
  private final Map<String, SessionRuntime> runtimes = new LinkedHashMap<>();

  BackendAssembly(BackendProviders providers, BackendContext context) {
    this.providers = providers;
    this.context = context;
    this.config = context.config();
  }

  Backends open() {
    try {
      for (BackendProvider p : providers.all()) {
        if (p.alwaysPresent() && enabled(p)) {
          runtimes.put(p.kind(), p.open(context));
        }
      }
      String chosen = config.backends().isEmpty() ? unnamed() : named();
      return new Backends(runtimes, chosen);
    } catch (RuntimeException e) {
      runtimes.values().forEach(SessionRuntime::close);
      throw e;
    }
  }

  /** The default without named backends; opens it unless it is always present. */
  private String unnamed() {
    String chosen = config.backend();
    if (runtimes.containsKey(chosen)) {
      return chosen;
    }
    if (!chosen.equals("auto")) {
      BackendProvider p = provider(chosen);
      if (!enabled(p)) {
        throw new IllegalStateException(
            "backend '" + chosen + "' is configured, but " + p.disabledReason());
      }
      try {
        runtimes.put(chosen, p.open(context));
      } catch (BackendUnavailableException e) {
        throw new IllegalStateException(
            "backend '" + chosen + "' is configured, but " + e.problem() + " (" + e.remedy() + ")");
      }
      return chosen;
    }
    List<String> skipped = new ArrayList<>();
    for (BackendProvider p : providers.byPriority()) {
      if (!enabled(p)) {
        // Never a silent fall back onto a backend the installation turned off.
        skipped.add(p.disabledReason());
        continue;
      }
      if (!runtimes.containsKey(p.kind())) {
        try {
          runtimes.put(p.kind(), p.open(context));
        } catch (BackendUnavailableException e) {
          skipped.add(e.problem());
          continue;
        }
      }
      skipped.forEach(
          why -> context.out().println("  backend auto: " + why + "; using " + p.kind()));
      return p.kind();
    }
    throw new IllegalStateException(
        "backend auto: no backend of this build can run sessions here: " + skipped);
  }

  private boolean enabled(BackendProvider p) {
    return p.enabled(config.backendSettings(p.kind()));
  }

  /** Opens every named backend, kind by kind, keeping the order of berth.yaml; the default. */
  private String named() {
    Map<String, List<BackendSpec>> byKind = new LinkedHashMap<>();
    for (BackendSpec spec : config.backends()) {
      byKind.computeIfAbsent(spec.kind(), k -> new ArrayList<>()).add(spec);
    }
    Map<String, SessionRuntime> opened = new LinkedHashMap<>();
    try {
      byKind.forEach((kind, specs) -> opened.putAll(provider(kind).openNamed(specs, context)));
    } finally {
      // In berth.yaml's order (the first is the default under auto), closed with the rest on error.
      config.backends().stream()
          .map(BackendSpec::name)
          .filter(opened::containsKey)
          .forEach(name -> runtimes.put(name, opened.get(name)));
    }
    String chosen = config.backend();
    if (chosen.equals("auto")) {
      return config.backends().get(0).name();
    }
    var off = providers.get(chosen).filter(p -> !enabled(p));
    if (off.isPresent()) {
      throw new IllegalStateException(
          "backend '" + chosen + "' is configured, but " + off.get().disabledReason());
    }
    if (!runtimes.containsKey(chosen)) {
      throw new IllegalStateException(
          "backend '"
              + chosen
              + "' is a built-in one, which named backends replace: set backend to one of "
              + new ArrayList<>(runtimes.keySet()));
    }
    return chosen;
  }

  private BackendProvider provider(String kind) {
    return providers
        .get(kind)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "backend kind '"
                        + kind
                        + "' is not in this build of Berth; its kinds: "
                        + providers.kinds()));
  }
}
