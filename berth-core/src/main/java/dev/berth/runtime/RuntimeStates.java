package dev.berth.runtime;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import java.util.function.Supplier;

/** The rules about a session's {@link RuntimeState} that every backend shares. */
public final class RuntimeStates {
  /** Set to {@code "true"} by a start, removed by a stop: was the app meant to run? */
  public static final String STARTED = "started";

  private RuntimeStates() {}

  /**
   * Refuses a state written by a newer Berth: its names or keys may mean something this one does
   * not know, and acting on a guess could orphan or break the session.
   *
   * @param backend the backend's name for the message, e.g. {@code Docker}
   * @param understood the newest state version this runtime reads
   */
  public static void requireUnderstood(RuntimeSession s, String backend, int understood) {
    if (s.state().version() > understood) {
      throw new BerthException(
          ErrorCode.RUNTIME_FAILURE,
          "session '"
              + s.id()
              + "' has "
              + backend
              + " state version "
              + s.state().version()
              + ", newer than this Berth understands ("
              + understood
              + ")");
    }
  }

  /** True between a start and a stop. */
  public static boolean started(RuntimeState state) {
    return "true".equals(state.get(STARTED));
  }

  public static RuntimeState markStarted(RuntimeState state) {
    return state.with(STARTED, "true");
  }

  public static RuntimeState markStopped(RuntimeState state) {
    return state.with(STARTED, null);
  }

  /**
   * What a session whose app does not run is: {@link ObservedState.Exited} when it was started and
   * not stopped since (it crashed, exited or was killed; {@code howItEnded} is asked only then),
   * else {@link ObservedState.Prepared} (warmed, or stopped on purpose).
   */
  public static ObservedState notRunning(
      RuntimeState state, Supplier<ObservedState.Exited> howItEnded) {
    return notRunning(started(state), howItEnded);
  }

  /** As above, for a caller that read the started flag already. */
  public static ObservedState notRunning(
      boolean started, Supplier<ObservedState.Exited> howItEnded) {
    return started ? howItEnded.get() : new ObservedState.Prepared();
  }
}
