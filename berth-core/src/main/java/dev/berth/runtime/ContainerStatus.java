package dev.berth.runtime;

import java.net.URI;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One container of a session as the runtime sees it now: the main one (type {@code session}) or one
 * of the template's {@code containers:}. What {@link SessionRuntime#containers} lists, for
 * readiness, health (which container is the reason a session is not healthy) and the API.
 *
 * @param type the container's type in the session
 * @param name the backend's name for it (Docker's container name)
 * @param phase what it is doing
 * @param exitCode its exit code once it ended, when known
 * @param detail what the runtime saw, for messages ("exited with code 3", "not created")
 * @param endpoints where users reach its ports (empty without published ports)
 * @param probeAddresses where it listens itself, for its probe (see {@link
 *     ObservedState.Running#probeAddresses})
 * @param lost only for {@link Phase#MISSING}: Berth made and started it and has not stopped it
 *     since, so it is gone without Berth (someone removed it). The reconciler makes it again, as it
 *     starts again one that ended; a container missing for any other reason (a {@code manual} one
 *     never started, one stopped on request, a stopped session's) is left alone
 */
public record ContainerStatus(
    String type,
    String name,
    Phase phase,
    OptionalInt exitCode,
    String detail,
    Map<Integer, URI> endpoints,
    Map<Integer, URI> probeAddresses,
    boolean lost) {

  public ContainerStatus {
    endpoints = Map.copyOf(endpoints);
    probeAddresses = Map.copyOf(probeAddresses);
    lost = lost && phase == Phase.MISSING;
  }

  /** A container that is not {@link #lost}. */
  public ContainerStatus(
      String type,
      String name,
      Phase phase,
      OptionalInt exitCode,
      String detail,
      Map<Integer, URI> endpoints,
      Map<Integer, URI> probeAddresses) {
    this(type, name, phase, exitCode, detail, endpoints, probeAddresses, false);
  }

  /** What a container is doing. */
  public enum Phase {
    /** Made and never started, or stopped on purpose. */
    STOPPED,
    RUNNING,
    /** It ended without Berth stopping it. */
    EXITED,
    /** There is no such container (not made yet, or removed by someone: see {@link #lost}). */
    MISSING;

    public String apiName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean running() {
    return phase == Phase.RUNNING;
  }
}
