package dev.berth.runtime.provider;

import dev.berth.config.BerthConfig;
import dev.berth.runtime.Backends;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The backend kinds of this build: the providers on the class path, found with {@link
 * ServiceLoader}. Which kinds a build has is decided by which modules it puts there (berth-cli's
 * dependencies for the {@code berth} program), nowhere else.
 */
public final class BackendProviders {
  private final List<BackendProvider> providers;

  private BackendProviders(List<? extends BackendProvider> providers) {
    // Kinds of which a Berth has one (local) first, then by name: the order of listings.
    this.providers =
        providers.stream()
            .sorted(
                Comparator.comparing(BackendProvider::namedBackends)
                    .thenComparing(BackendProvider::kind))
            .map(p -> (BackendProvider) p)
            .toList();
    if (this.providers.stream().map(BackendProvider::kind).distinct().count()
        != this.providers.size()) {
      throw new IllegalStateException(
          "two backend providers of one kind on the class path: " + kinds());
    }
  }

  /** The providers on the class path of this class's loader. */
  public static BackendProviders installed() {
    return of(
        ServiceLoader.load(BackendProvider.class, BackendProviders.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  /** Exactly these providers (tests). */
  public static BackendProviders of(List<? extends BackendProvider> providers) {
    return new BackendProviders(providers);
  }

  /** Every provider, of a Berth's single kinds (local) first, then by kind. */
  public List<BackendProvider> all() {
    return providers;
  }

  public List<String> kinds() {
    return providers.stream().map(BackendProvider::kind).toList();
  }

  public Optional<BackendProvider> get(String kind) {
    return providers.stream().filter(p -> p.kind().equals(kind)).findFirst();
  }

  /** The kinds {@code backend: auto} may choose, the first to try first. */
  List<BackendProvider> byPriority() {
    return providers.stream()
        .filter(p -> p.priority() >= 0)
        .sorted(Comparator.comparingInt(BackendProvider::priority).reversed())
        .toList();
  }

  /**
   * The kind {@code backend: auto} would choose on this machine now, judged by each kind's {@link
   * BackendProvider#availability} (what {@code berth doctor} says; the server decides by opening).
   */
  public Optional<String> autoChoice(BerthConfig config, Map<String, String> env) {
    return byPriority().stream()
        .filter(p -> p.enabled(config.backendSettings(p.kind())))
        .filter(p -> p.availability(config.backendSettings(p.kind()), env).applies())
        .map(BackendProvider::kind)
        .findFirst();
  }

  /**
   * Opens the backends {@code context.config()} describes and picks the default. Without named
   * backends: every {@link BackendProvider#alwaysPresent} kind, plus the kind {@code backend} names
   * (start-up fails when it cannot run sessions here) or, under {@code auto}, the first kind by
   * priority that opens. With named backends: the always-present kinds and every named backend;
   * {@code backend} names the default ({@code auto}: the first named one).
   */
  public Backends open(BackendContext context) {
    return new BackendAssembly(this, context).open();
  }
}
