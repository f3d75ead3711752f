package dev.berth.runtime;

import java.util.Optional;

/**
 * Something a backend noticed on its own (a container died, a pod was deleted, the engine came
 * back) that the reconciler should look at soon. Events are hints, not truth: the reconciler always
 * re-inspects, so a lost or duplicated event costs at most one periodic pass of delay.
 *
 * @param handle the {@code berth.session} label of the resource (the session's handle), empty for
 *     backend-wide events
 * @param kind what happened
 * @param detail the backend's words, e.g. {@code die exitCode=137}, for logs and session events
 */
public record RuntimeEvent(Optional<String> handle, Kind kind, String detail) {

  public enum Kind {
    /** The session's app or container exited (or was killed). */
    EXITED,
    /** The kernel killed the app for using too much memory. */
    OOM,
    /** A resource of the session was removed behind Berth's back. */
    REMOVED,
    /** The backend's own health check changed state. */
    HEALTH,
    /** The connection to the backend was lost; sessions cannot be observed until it is back. */
    DISCONNECTED,
    /**
     * The connection to the backend is back (after an engine restart, say): re-check everything.
     */
    RECONNECTED
  }

  public static RuntimeEvent of(String handle, Kind kind, String detail) {
    return new RuntimeEvent(Optional.of(handle), kind, detail);
  }

  public static RuntimeEvent backendWide(Kind kind, String detail) {
    return new RuntimeEvent(Optional.empty(), kind, detail);
  }
}
