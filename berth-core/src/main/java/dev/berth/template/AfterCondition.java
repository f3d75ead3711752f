package dev.berth.template;

import java.util.Locale;
import java.util.Optional;

/**
 * What a container waits for of one it starts after ({@code after: {processor: done}}), as
 * Compose's {@code depends_on} conditions. The list form ({@code after: [processor]}) is {@link
 * #STARTED} for each: it only orders the starts, as it always did.
 */
public enum AfterCondition {
  /** Started before this one; nothing is waited for. */
  STARTED,
  /**
   * Its probe passes (without a probe, its first port accepts a TCP connection) before this one is
   * made.
   */
  READY,
  /** It has ended with code 0 before this one is made; any other end fails the start. */
  DONE;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The condition a word in a template names; empty for any other word. */
  public static Optional<AfterCondition> of(String word) {
    for (AfterCondition c : values()) {
      if (c.yamlName().equals(word.strip())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
