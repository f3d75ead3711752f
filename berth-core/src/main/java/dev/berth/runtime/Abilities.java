package dev.berth.runtime;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;

/** The one check of an optional {@link Ability}, and the one message for a missing one. */
public final class Abilities {
  private Abilities() {}

  /**
   * Returns quietly when {@code runtime} has {@code ability}; else fails with {@code UNSUPPORTED}.
   *
   * @param asked what the caller was about to do, for the message ("renew session 's1'")
   */
  public static void require(SessionRuntime runtime, Ability ability, String asked) {
    if (!runtime.abilities().contains(ability)) {
      throw unsupported(runtime.kind(), ability, asked);
    }
  }

  /** "the local backend cannot run sessions from images (asked to renew session 's1')". */
  public static BerthException unsupported(String backend, Ability ability, String asked) {
    return new BerthException(
        ErrorCode.UNSUPPORTED,
        "the "
            + backend
            + " backend cannot "
            + ability.phrase()
            + (asked == null || asked.isBlank() ? "" : " (asked to " + asked + ")"));
  }
}
