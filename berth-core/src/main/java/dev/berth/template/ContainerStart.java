package dev.berth.template;

/** When a session's extra container runs: with the session, or only when asked for. */
public enum ContainerStart {
  /** Started with the session, after the containers it names in {@code after}. */
  AUTO,
  /** Made with the session but started only on request (REST, executor run). */
  MANUAL;

  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
