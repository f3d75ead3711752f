package dev.berth.service.images;

import dev.berth.images.BuildReport;
import java.util.List;

/**
 * What {@code berth update} did: the build, then every live session that runs an outdated image and
 * what became of it.
 */
public record UpdateReport(BuildReport build, List<SessionUpdate> sessions) {
  public UpdateReport {
    sessions = List.copyOf(sessions);
  }

  public enum Action {
    /** Restarted on the new image, workspace kept. */
    RESTARTED,
    /** Left as it is: in use, stopped, or restarts were not asked for. */
    KEPT,
    /** The restart was tried and failed; the reason says why. */
    FAILED
  }

  /**
   * One outdated session.
   *
   * @param detail why it was kept, or why its restart failed
   */
  public record SessionUpdate(SessionImage session, boolean idle, Action action, String detail) {}

  public boolean ok() {
    return build.ok() && sessions.stream().noneMatch(s -> s.action() == Action.FAILED);
  }
}
