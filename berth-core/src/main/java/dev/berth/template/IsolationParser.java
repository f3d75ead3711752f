package dev.berth.template;

import java.util.Optional;

/** Reads the {@link IsolationSettings} key {@code sandbox}; unset, it is the parent's. */
final class IsolationParser {
  private IsolationParser() {}

  static Overlay<IsolationSettings> read(TemplateYaml t) {
    Optional<Sandbox> sandbox = t.keys().string("sandbox").flatMap(s -> sandbox(t, s));
    return base -> sandbox.map(base::withSandbox).orElse(base);
  }

  private static Optional<Sandbox> sandbox(TemplateYaml t, String text) {
    try {
      return Optional.of(Sandbox.parse(text));
    } catch (IllegalArgumentException e) {
      t.error("'sandbox' " + e.getMessage());
      return Optional.empty();
    }
  }
}
