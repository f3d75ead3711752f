package dev.berth.registry;

import dev.berth.runtime.RuntimeState;
import java.util.Map;

/**
 * A migration between backends that is under way, as the registry keeps it ({@code
 * sessions.migration}): enough for the next start to roll back one a crash interrupted, or to
 * finish one that had switched the session already.
 *
 * @param from the backend the session lived on
 * @param to the backend it is moving to
 * @param wasRunning whether it ran before the migration stopped it (a roll-back starts it again)
 * @param targetStateVersion with {@code targetState}: what the target made so far (empty before its
 *     prepare), so a roll-back removes exactly that
 */
public record MigrationRecord(
    String from,
    String to,
    boolean wasRunning,
    int targetStateVersion,
    Map<String, String> targetState) {
  public MigrationRecord {
    targetState = targetState == null ? Map.of() : Map.copyOf(targetState);
  }

  /** Just begun: nothing made on the target yet. */
  public static MigrationRecord begun(String from, String to, boolean wasRunning) {
    return new MigrationRecord(from, to, wasRunning, 0, Map.of());
  }

  /** The same migration once the target has made {@code state}. */
  public MigrationRecord withTarget(RuntimeState state) {
    return new MigrationRecord(from, to, wasRunning, state.version(), state.values());
  }

  /** What the target made so far, as its runtime reads it. */
  public RuntimeState targetRuntimeState() {
    return new RuntimeState(targetStateVersion, targetState);
  }
}
