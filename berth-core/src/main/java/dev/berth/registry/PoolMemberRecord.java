package dev.berth.registry;

import dev.berth.runtime.RuntimeState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One warm-pool member as the registry keeps it.
 *
 * @param handle what its resources are named from ({@code p-} and 10 random characters)
 * @param definition the fingerprint of the template it was made from: a member whose template
 *     changed since is replaced, never claimed
 * @param state {@link State#STARTING} from before anything is made until its app is ready
 * @param endpoints where users reach its ports, by port (once ready)
 * @param imageId the image it runs, where the backend records one
 */
public record PoolMemberRecord(
    String handle,
    String template,
    String backend,
    String definition,
    State state,
    RuntimeState runtimeState,
    Map<Integer, String> endpoints,
    String imageId,
    Instant createdAt,
    Optional<Instant> readyAt) {
  public enum State {
    STARTING,
    READY
  }

  public PoolMemberRecord {
    endpoints = Map.copyOf(endpoints);
  }

  /** A member about to be made: recorded before its runtime makes anything. */
  public static PoolMemberRecord starting(
      String handle, String template, String backend, String definition, Instant at) {
    return new PoolMemberRecord(
        handle,
        template,
        backend,
        definition,
        State.STARTING,
        RuntimeState.EMPTY,
        Map.of(),
        "",
        at,
        Optional.empty());
  }
}
